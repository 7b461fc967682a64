"use client";

import type { VmDetail } from "@virtfn/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { isActive, OperationsTable } from "~/components/OperationsTable";
import { ProgressBar } from "~/components/ProgressBar";
import { useLiveRefresh } from "~/components/useLiveRefresh";
import { useNow } from "~/components/useNow";
import { DetailGate, isNotFound, type DetailList } from "~/components/ui/DetailGate";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { useLastShown } from "~/components/ui/useLastShown";
import { TimeAgo } from "~/components/ui/ClockText";
import { dateTime, memory, nicSummary } from "~/lib/format";
import { operationKindLabel } from "~/lib/operation-kinds";
import { withDataLayer } from "~/trpc/withDataLayer";
import { isTransitional, VmStateBadge } from "../vmState";
import { MigrationPhases } from "./MigrationPhases";
import { NicCountersPanel } from "./NicCounters";
import { NicTable } from "./NicTable";
import type { VmPageData } from "./page";
import { VmActions } from "./VmActions";
import { VmPciDevices } from "./VmPciDevices";

// The attach form reads the project's networks: it brings the data layer when it opens.
const AttachNicDialog = withDataLayer(() =>
  import("./AttachNicDialog").then((m) => m.AttachNicDialog),
);

/** Where the page sits: its breadcrumb and the way back. */
const VMS: DetailList = { label: "VMs", href: "/vms" };

/** While an operation runs (or the VM is between states) the page follows it closely. */
const FOLLOW_MS = 1500;
/** While a live migration's phases move. */
const FOLLOW_MIGRATION_MS = 1000;
const IDLE_MS = 10_000;

export function VmDetailPage({
  vmId,
  readOnly,
  data,
}: {
  vmId: string;
  readOnly: boolean;
  data: VmPageData;
}) {
  const router = useRouter();
  // A refresh that fails keeps the VM shown, with the failure in its header.
  const vm = { data: useLastShown(data.vm.data, vmId), error: data.vm.error };
  // A deleted VM: the last good data is kept, but the VM is gone.
  if (!vm.data || isNotFound(vm.error)) {
    return (
      <DetailGate
        query={{ isPending: false, error: vm.error, refetch: () => router.refresh() }}
        noun="VM"
        list={VMS}
      />
    );
  }
  return <VmView vm={vm.data} refreshError={vm.error} readOnly={readOnly} data={data} />;
}

function followMs(vm: VmDetail, data: VmPageData): number {
  const migration = data.migration.data;
  const migrating = migration?.status === "Pending" || migration?.status === "Running";
  const op = vm.activeOperation;
  if (migrating || op?.kind === "vm.migrate") return FOLLOW_MIGRATION_MS;
  const opsRunning = data.operations.data?.items.some(isActive) ?? false;
  return op || isTransitional(vm.state) || opsRunning ? FOLLOW_MS : IDLE_MS;
}

function VmView({
  vm: v,
  refreshError,
  readOnly,
  data,
}: {
  vm: VmDetail;
  refreshError: unknown;
  readOnly: boolean;
  data: VmPageData;
}) {
  const now = useNow();
  const refresh = useLiveRefresh(followMs(v, data));
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
        refreshError={refreshError}
      />

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

      <section className="panel">
        <h2>Details</h2>
        <div className="facts">
          <dl>
            <dt>State</dt>
            <dd>
              <VmStateBadge state={v.state} />
              {v.desiredState !== v.state && isTransitional(v.state) ? (
                <span className="sub-inline"> → {v.desiredState}</span>
              ) : null}
            </dd>
            <dt>Host</dt>
            <dd data-testid="vm-host">{v.hostName ?? "—"}</dd>
            <dt>NUMA node</dt>
            <dd data-testid="vm-numa-node">{v.numaNode === null ? "—" : `node${v.numaNode}`}</dd>
            <dt>Project</dt>
            <dd>{v.projectName}</dd>
          </dl>
          <dl>
            <dt>Offering</dt>
            <dd>
              {v.offering.name}{" "}
              <span className="sub-inline">
                {v.offering.vcpus} vCPU{v.offering.vcpus === 1 ? "" : "s"},{" "}
                {memory(v.offering.memoryMiB)}
              </span>
            </dd>
            <dt>Image</dt>
            <dd>{v.image.name}</dd>
            <dt>Created</dt>
            <dd title={dateTime(v.createdAt)}>
              <TimeAgo date={v.createdAt} now={now} />
            </dd>
          </dl>
        </div>
      </section>

      <section className="panel">
        <NicsHeader vm={v} readOnly={readOnly} />
        <NicTable vm={v} readOnly={readOnly} />
      </section>
      <NicCountersPanel vm={v} counters={data.counters} onRetry={refresh.now} />

      <VmPciDevices vm={v} devices={data.pciDevices} onRetry={refresh.now} />

      <section className="panel">
        <h2>
          Recent operations{" "}
          <Link href={`/operations?targetId=${v.id}`} className="small-link">
            all
          </Link>
        </h2>
        {ops.data === null ? (
          <ErrorBox error={ops.error} onRetry={refresh.now} />
        ) : ops.data.items.length === 0 ? (
          <p className="muted">No operations yet.</p>
        ) : (
          <OperationsTable items={ops.data.items} now={now} showTarget={false} />
        )}
      </section>
    </>
  );
}

function NicsHeader({ vm, readOnly }: { vm: VmDetail; readOnly: boolean }) {
  const [open, setOpen] = useState(false);
  const busy = vm.activeOperation
    ? `${operationKindLabel(vm.activeOperation.kind).toLowerCase()} in progress`
    : null;
  const reason = busy ?? vm.actions.attachNic.reason;
  return (
    <div className="panel-head">
      <h2>
        NICs <span className="count">{vm.nics.length}</span>
      </h2>
      {readOnly ? null : (
        <>
          <button
            type="button"
            className="btn btn-sm"
            disabled={reason !== null}
            title={reason ? `Attach NIC — ${reason}` : undefined}
            onClick={() => setOpen(true)}
          >
            Attach NIC
          </button>
          {open ? <AttachNicDialog vm={vm} onClose={() => setOpen(false)} /> : null}
        </>
      )}
    </div>
  );
}
