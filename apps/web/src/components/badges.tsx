import type { HostConnectionState, OperationStatus, VirtualizationState } from "@virtfn/db";
import type { IommuReadiness } from "@virtfn/core";
import { Badge, type Tone } from "./ui/Badge";

// Badge moved to the shared parts; kept exported here for the pages that import it from here.
export { Badge };

const connectionTone: Record<HostConnectionState, Tone> = {
  Connected: "ok",
  Connecting: "info",
  Disconnected: "err",
};

export function ConnectionBadge({
  state,
  reason,
}: {
  state: HostConnectionState;
  reason?: string | null;
}) {
  return (
    <span className="badge-with-reason">
      <Badge tone={connectionTone[state]} title={reason ?? undefined}>
        {state}
      </Badge>
      {state === "Disconnected" && reason ? (
        <span className="reason" title={reason}>
          {reason}
        </span>
      ) : null}
    </span>
  );
}

const iommuLabel: Record<IommuReadiness["state"], { label: string; tone: Tone }> = {
  ready: { label: "Ready", tone: "ok" },
  rebootRequired: { label: "Reboot required", tone: "warn" },
  disabled: { label: "IOMMU off", tone: "muted" },
  biosDisabled: { label: "Check BIOS", tone: "err" },
};

/** `seen` false: the agent has never reported, so readiness is unknown rather than derived. */
export function IommuBadge({ iommu, seen = true }: { iommu: IommuReadiness; seen?: boolean }) {
  if (!seen) {
    return (
      <Badge tone="muted" title="The agent has not reported this host's IOMMU state yet.">
        Unknown
      </Badge>
    );
  }
  const { label, tone } = iommuLabel[iommu.state];
  return (
    <Badge tone={tone} title={iommu.message}>
      {label}
    </Badge>
  );
}

const virtTone: Record<VirtualizationState, Tone> = {
  NotVirtualizable: "muted",
  Virtualizable: "info",
  Virtualized: "ok",
};

export function VirtualizationBadge({ state }: { state: VirtualizationState }) {
  return <Badge tone={virtTone[state]}>{state}</Badge>;
}

const statusTone: Record<OperationStatus, Tone> = {
  Pending: "muted",
  Running: "info",
  Succeeded: "ok",
  Failed: "err",
  Cancelled: "muted",
};

export function OperationStatusBadge({ status }: { status: OperationStatus }) {
  return <Badge tone={statusTone[status]}>{status}</Badge>;
}

export function LinkBadge({ up }: { up: boolean }) {
  return <Badge tone={up ? "ok" : "muted"}>{up ? "Up" : "Down"}</Badge>;
}
