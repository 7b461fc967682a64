import type { NicType, VmState } from "@virtfn/db";
import { Badge } from "~/components/badges";

// A VM's state and NIC type as badges: plain components any page can render (server or browser).

const stateTone: Record<VmState, "ok" | "warn" | "err" | "muted" | "info"> = {
  Creating: "info",
  Starting: "info",
  Running: "ok",
  Stopping: "info",
  Stopped: "muted",
  Rebooting: "info",
  Migrating: "info",
  Deleting: "warn",
  Error: "err",
};

// Every state, in the order above: the record must name each one, so this list cannot miss one.
export const vmStates = Object.keys(stateTone) as VmState[];

export function VmStateBadge({ state }: { state: VmState }) {
  return <Badge tone={stateTone[state]}>{state}</Badge>;
}

export function isTransitional(state: VmState): boolean {
  return stateTone[state] === "info" || state === "Deleting";
}

export function NicTypeBadge({ type }: { type: NicType }) {
  return type === "VF" ? (
    <Badge tone="info" title="SR-IOV virtual function passed straight to the guest">
      VF
    </Badge>
  ) : (
    <Badge tone="muted" title="Virtual NIC through the host's software switch">
      vNIC
    </Badge>
  );
}
