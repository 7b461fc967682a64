import type { VmDetail } from "@virtfn/core";
import { RefreshError } from "~/components/detail/LastShown";
import { Facts } from "~/components/detail/Facts";
import { RecentOperations } from "~/components/detail/RecentOperations";
import { isActive } from "~/components/detail/operation-status";
import { ProgressBar } from "~/components/ProgressBar";
import type { DetailList } from "~/components/ui/DetailGate";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { TimeAgo } from "~/components/ui/ClockText";
import { memory, nicSummary } from "~/lib/format";
import { operationKindLabel } from "~/lib/operation-kinds";
import { isTransitional, VmStateBadge } from "../vmState";
import { MigrationPhases } from "./MigrationPhases";
import { NicCountersPanel } from "./NicCounters";
import { NicTable } from "./NicTable";
import type { VmPageData } from "./page";
import { NicsHeader, VmActions } from "./islands";
import { VmPciDevices } from "./VmPciDevices";

// The VM's page, rendered on the server: only its interactive parts (actions, NIC menus and
// dialogs, PCI assignment) ship as client code.

/** Where the page sits: its breadcrumb and the way back. */
export const VMS: DetailList = { label: "VMs", href: "/vms" };

/** While an operation runs (or the VM is between states) the page follows it closely. */
const FOLLOW_MS = 1500;
/** While a live migration's phases move. */
const FOLLOW_MIGRATION_MS = 1000;
const IDLE_MS = 10_000;

/** How often the page is rendered again (now and then while the VM cannot be read). */
export function followMs(vm: VmDetail | null, data: VmPageData): number {
  if (!vm) return IDLE_MS;
  const migration = data.migration.data;
  const migrating = migration?.status === "Pending" || migration?.status === "Running";
  const op = vm.activeOperation;
  if (migrating || op?.kind === "vm.migrate") return FOLLOW_MIGRATION_MS;
  const opsRunning = data.operations.data?.items.some(isActive) ?? false;
  return op || isTransitional(vm.state) || opsRunning ? FOLLOW_MS : IDLE_MS;
}

export function VmView({
  vm: v,
  readOnly,
  isAdmin,
  data,
}: {
  vm: VmDetail;
  /** May not change the VM (vms.manage). */
  readOnly: boolean;
  /** May give and remove whole PCI devices (inventory.manage). */
  isAdmin: boolean;
  data: VmPageData;
}) {
  const ops = data.operations;
  const lostVfs = v.nics.filter((nic) => nic.vfStatus === "VF lost").length;
  const op = v.activeOperation;
  return (
    <>
      <DetailHeader
        list={VMS}
        name={v.name}
        badges={<VmStateBadge state={v.state} />}
        titleTestId="vm-title"
        subtitle={
          <>
            {v.projectName} · {v.hostName ? `on ${v.hostName}` : "no host"} ·{" "}
            {nicSummary(v.nicCount, v.attachedVfCount)}
            {lostVfs > 0 ? (
              <>
                {" · "}
                <span
                  className="badge badge-warn"
                  data-testid="vm-vf-lost"
                  title="A forced restore took these VFs; a reboot or start takes free ones back."
                >
                  {lostVfs} VF{lostVfs === 1 ? "" : "s"} lost
                </span>
              </>
            ) : null}
          </>
        }
        actions={
          readOnly ? (
            <p className="muted small">Read-only: auditors do not change VMs.</p>
          ) : (
            <VmActions vm={v} />
          )
        }
        refreshError={null}
      />
      <RefreshError />

      {op ? (
        <div
          className="banner banner-info vm-op"
          role="status"
          data-testid="vm-operation"
          data-kind={op.kind}
        >
          <p>
            <strong>{operationKindLabel(op.kind)}</strong>{" "}
            {op.status === "Pending"
              ? "— waiting for a worker…"
              : `— ${op.progressMessage || op.status} · ${op.progress}%`}
          </p>
          <ProgressBar
            value={op.progress}
            status={op.status as "Pending" | "Running"}
            label={`${operationKindLabel(op.kind)} progress`}
          />
        </div>
      ) : null}
      <MigrationPhases progress={data.migration} />
      {v.state === "Error" ? (
        <div className="banner banner-err" role="alert" data-testid="vm-error">
          <p>
            <strong>This VM is in Error.</strong>{" "}
            {v.lastError ? (
              <>
                {operationKindLabel(v.lastError.kind)} failed
                {v.lastError.code ? (
                  <>
                    {" "}
                    with <code className="code">{v.lastError.code}</code>
                  </>
                ) : null}
                : {v.lastError.message ?? "no message"}
              </>
            ) : (
              "No failed operation is recorded."
            )}
          </p>
          <p className="sub-inline">Start it again once the cause is fixed, or delete it.</p>
        </div>
      ) : null}

      <Facts
        title="Details"
        columns={[
          [
            [
              "State",
              <>
                <VmStateBadge state={v.state} />
                {v.desiredState !== v.state && isTransitional(v.state) ? (
                  <span className="sub-inline"> → {v.desiredState}</span>
                ) : null}
              </>,
            ],
            ["Host", v.hostName ?? "—", "vm-host"],
            ["NUMA node", v.numaNode === null ? "—" : `node${v.numaNode}`, "vm-numa-node"],
            ["Project", v.projectName],
          ],
          [
            [
              "Offering",
              <>
                {v.offering.name}{" "}
                <span className="sub-inline">
                  {v.offering.vcpus} vCPU{v.offering.vcpus === 1 ? "" : "s"},{" "}
                  {memory(v.offering.memoryMiB)}
                </span>
              </>,
            ],
            ["Image", v.image.name],
            ["Created", <TimeAgo date={v.createdAt} />],
          ],
        ]}
      />

      <section className="panel">
        <NicsHeader vm={v} readOnly={readOnly} />
        <NicTable vm={v} readOnly={readOnly} />
      </section>
      <NicCountersPanel vm={v} counters={data.counters} />

      <VmPciDevices vm={v} devices={data.pciDevices} isAdmin={isAdmin} />

      <RecentOperations
        targetId={v.id}
        items={ops.data?.items ?? null}
        error={ops.error}
        showTarget={false}
      />
    </>
  );
}
