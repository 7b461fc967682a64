import type { HostDetail, HostPciDeviceRow, OperationView } from "@virtfn/core";
import { Badge, ConnectionBadge, IommuBadge } from "~/components/badges";
import { RefreshError } from "~/components/detail/LastShown";
import { RecentOperations } from "~/components/detail/RecentOperations";
import { isActive } from "~/components/detail/operation-status";
import type { DetailList } from "~/components/ui/DetailGate";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { Facts } from "~/components/detail/Facts";
import { LocalTime, TimeAgo } from "~/components/ui/ClockText";
import { memory } from "~/lib/format";
import type { Settled } from "~/trpc/server";
import { HostActions } from "./islands";
import { HostAllocationPanel } from "./HostAllocationPanel";
import { NicTable } from "./NicTable";
import { PciDevicesPanel } from "./PciDevicesPanel";

/** Where the page sits: its breadcrumb and the way back. */
export const HOSTS: DetailList = { label: "Hosts", href: "/hosts" };

/**
 * How often the page is rendered again: fast while the host connects or an operation on it or
 * one of its PFs runs (split and restore count VFs as they go), otherwise now and then.
 */
export function refreshMs(
  host: HostDetail | null,
  ops: Settled<{ items: OperationView[] }>,
  pfOps: OperationView[],
): number {
  const activeOps = ops.data?.items.filter(isActive).length ?? 0;
  const activePfOps = pfOps.filter(isActive).length;
  if (activePfOps > 0) return 1000;
  if (activeOps > 0 || host?.connectionState === "Connecting") return 1500;
  return 10_000;
}

/** The host's page, rendered on the server: only its actions, NIC and device buttons ship. */
export function HostView({
  host: h,
  ops,
  pfOps,
  devices,
  isAdmin,
}: {
  host: HostDetail;
  /** Sees the SR-IOV and passthrough actions (inventory.manage). */
  isAdmin: boolean;
  ops: Settled<{ items: OperationView[] }>;
  pfOps: OperationView[];
  devices: Settled<HostPciDeviceRow[]>;
}) {
  const activeOps = [...(ops.data?.items ?? []), ...pfOps].filter(isActive);
  const recentOps = [...(ops.data?.items ?? []), ...pfOps]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, 10);
  return (
    <>
      <DetailHeader
        list={HOSTS}
        name={h.name}
        badges={
          <>
            <ConnectionBadge state={h.connectionState} />{" "}
            <IommuBadge iommu={h.iommu} seen={h.lastSeenAt !== null} />
          </>
        }
        subtitle={
          <>
            {h.zoneName} / {h.clusterName} · {h.agentUrl}
            <span data-testid="host-pci-counts">
              {" "}
              · PCI passthrough: {h.pciAssignable} assignable, {h.pciHeld} held
            </span>
          </>
        }
        actions={<HostActions host={h} activeOps={activeOps} />}
        refreshError={null}
      />
      <RefreshError />
      {h.connectionState === "Disconnected" ? (
        <div className="banner banner-err" role="status">
          <strong>Disconnected.</strong> {h.connectionReason ?? "The agent is not answering."}
        </div>
      ) : null}
      <ReadinessBanner host={h} />
      {h.maintenance ? (
        <div className="banner banner-warn" role="status" data-testid="maintenance-banner">
          <strong>In maintenance</strong>
          {h.maintenanceSince ? (
            <span>
              {" "}
              since <LocalTime date={h.maintenanceSince} />
            </span>
          ) : null}
          . No new VMs are created, started or moved here; the {h.vmCount} VM
          {h.vmCount === 1 ? "" : "s"} on it keep running. Splitting and restoring PFs stays
          possible.
        </div>
      ) : null}

      <Facts
        title="Facts"
        columns={[
          [
            ["Connection", <ConnectionBadge state={h.connectionState} />],
            ["Last seen", <TimeAgo date={h.lastSeenAt} />],
            [
              "Agent",
              <>
                {h.agentVersion ?? "—"}
                {h.agentBackend ? (
                  <span className="sub-inline"> ({h.agentBackend} backend)</span>
                ) : null}
              </>,
            ],
          ],
          [
            ["CPU", h.cpuModel ?? "—"],
            ["CPUs", h.cpuCount > 0 ? h.cpuCount : "—"],
            ["Virtualization", <Virtualization host={h} />],
            ["Memory", memory(h.memoryMiB)],
          ],
          [
            [
              "IOMMU enabled",
              <>
                <YesNo value={h.iommuEnabled} /> <span className="sub-inline">desired</span>
              </>,
            ],
            ["Kernel argument", <YesNo value={h.iommuKernelArgSet} unknown={!h.lastSeenAt} />],
            ["IOMMU active", <YesNo value={h.iommuActive} unknown={!h.lastSeenAt} />],
            ["Interrupt remapping", <YesNo value={h.interruptRemapping} unknown={!h.lastSeenAt} />],
            [
              "allow_unsafe_interrupts",
              <YesNo value={h.allowUnsafeInterrupts} warnWhenTrue unknown={!h.lastSeenAt} />,
            ],
          ],
        ]}
      />

      <HostAllocationPanel host={h} />

      <section className="panel">
        <h2>
          Physical NICs <span className="count">{h.nics.length}</span>
        </h2>
        <NicTable host={h} pfOps={pfOps} isAdmin={isAdmin} />
      </section>

      <PciDevicesPanel {...devices} isAdmin={isAdmin} />

      <RecentOperations targetId={h.id} items={ops.data ? recentOps : null} error={ops.error} />
    </>
  );
}

/** The CPU's virtualization flag; a host that has reported none cannot run KVM guests. */
function Virtualization({ host: h }: { host: HostDetail }) {
  if (h.cpuVirtualization) return <code>{h.cpuVirtualization}</code>;
  if (!h.lastSeenAt) return <>—</>;
  return (
    <Badge tone="err" title="No vmx/svm CPU flag: this host cannot run KVM guests.">
      none
    </Badge>
  );
}

function YesNo({
  value,
  warnWhenTrue,
  unknown,
}: {
  value: boolean;
  warnWhenTrue?: boolean;
  unknown?: boolean;
}) {
  if (unknown) return <span className="muted">—</span>;
  if (value) return <Badge tone={warnWhenTrue ? "warn" : "ok"}>Yes</Badge>;
  return <Badge tone="muted">No</Badge>;
}

function ReadinessBanner({ host }: { host: HostDetail }) {
  if (host.connectionState === "Connecting" && !host.lastSeenAt) {
    return (
      <div className="banner banner-info" role="status">
        <strong>Connecting.</strong> Waiting for the agent to report the host&apos;s facts and NICs.
      </div>
    );
  }
  // Readiness is observed: without a report from the agent there is nothing to say yet.
  if (!host.lastSeenAt) return null;
  const { state, message } = host.iommu;
  if (state === "ready") return null;
  const title = {
    rebootRequired: "Reboot required",
    disabled: "IOMMU is off",
    biosDisabled: "Check the BIOS",
  }[state];
  const tone = state === "rebootRequired" ? "warn" : state === "biosDisabled" ? "err" : "muted";
  return (
    <div className={`banner banner-${tone}`} role="status" data-testid="iommu-banner">
      <strong>{title}.</strong> {message} SR-IOV splitting and VF NICs need an active IOMMU.
    </div>
  );
}
