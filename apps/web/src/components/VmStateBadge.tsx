import type { VmState } from "@virtfn/db";
import { Badge, type Tone } from "~/components/ui/Badge";

// A VM's state as a badge, for pages other than the VM pages (a host's VMs). Its own module: the
// VM pages' shared.tsx also holds hooks on the client data layer, which a server-rendered page
// must not pull into its first load. (vms/shared.tsx could re-export these.)

export const vmStateTone: Record<VmState, Tone> = {
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

export function VmStateBadge({ state }: { state: VmState }) {
  return <Badge tone={vmStateTone[state]}>{state}</Badge>;
}
