"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Verdict, VmDetail } from "@virtfn/core";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Dialog } from "~/components/Dialog";
import { ActionConfirm, ReasonedButton } from "~/components/ui/ActionConfirm";
import { ErrorBox } from "~/components/ErrorBox";
import { isActive, OperationsTable } from "~/components/OperationsTable";
import { ProgressBar } from "~/components/ProgressBar";
import { useIsAdmin } from "~/components/session";
import { useNow } from "~/components/useNow";
import { dateTime, memory, nicSummary, operationKindLabel, relativeTime } from "~/lib/format";
import { ActionBar } from "~/components/ui/ActionBar";
import { DetailGate, isNotFound, type DetailList } from "~/components/ui/DetailGate";
import { useTRPC } from "~/trpc/react";
import { isTransitional, VmStateBadge } from "../shared";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { MigrationPhases } from "./MigrationPhases";
import { NicCountersPanel } from "./NicCounters";
import { AttachNicDialog, NicTable } from "./NicTable";
import { VmPciDevices } from "./VmPciDevices";

type VmAction = "start" | "stop" | "reboot" | "migrate" | "delete";

/** Where the page sits: its breadcrumb and the way back. */
const VMS: DetailList = { label: "VMs", href: "/vms" };

export function VmDetailPage({ vmId, readOnly }: { vmId: string; readOnly: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();
  const vm = useQuery({
    ...trpc.vms.get.queryOptions({ vmId }),
    // While an operation runs (or the VM is between states), follow it closely.
    refetchInterval: (query) => {
      const data = query.state.data;
      if (query.state.error && !data) return false;
      return data && (data.activeOperation || isTransitional(data.state)) ? 1500 : 10_000;
    },
  });
  const ops = useQuery({
    ...trpc.operations.list.queryOptions({
      targetId: vmId,
      limit: 10,
      sort: "createdAt",
      order: "desc",
    }),
    refetchInterval: (query) =>
      query.state.data?.items.some(isActive) || vm.data?.activeOperation ? 1500 : 10_000,
  });

  // When the running operation ends, the VM row, the list and the operations change.
  const activeId = vm.data?.activeOperation?.id ?? null;
  const previous = useRef(activeId);
  useEffect(() => {
    if (previous.current && previous.current !== activeId) {
      void queryClient.invalidateQueries(trpc.vms.list.pathFilter());
      void queryClient.invalidateQueries(trpc.operations.list.pathFilter());
      void queryClient.invalidateQueries(trpc.netservices.pathFilter());
      void queryClient.invalidateQueries(trpc.vms.migrationProgress.pathFilter());
    }
    previous.current = activeId;
  }, [activeId, queryClient, trpc]);

  // A deleted VM: the last good data stays in the cache, but the VM is gone.
  if (!vm.data || isNotFound(vm.error)) return <DetailGate query={vm} noun="VM" list={VMS} />;
  const v = vm.data;
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
        refreshError={vm.isError ? vm.error : null}
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
      <MigrationPhases vmId={v.id} following={op?.kind === "vm.migrate"} />
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
            <dd title={dateTime(v.createdAt)}>{relativeTime(v.createdAt, now)}</dd>
          </dl>
        </div>
      </section>

      <section className="panel">
        <NicsHeader vm={v} readOnly={readOnly} />
        <NicTable vm={v} readOnly={readOnly} />
      </section>
      <NicCountersPanel vm={v} />

      <VmPciDevices vm={v} />

      <section className="panel">
        <h2>
          Recent operations{" "}
          <Link href={`/operations?targetId=${v.id}`} className="small-link">
            all
          </Link>
        </h2>
        {ops.isError && !ops.data ? (
          <ErrorBox error={ops.error} onRetry={() => void ops.refetch()} />
        ) : !ops.data ? (
          <p className="loading">Loading operations…</p>
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

function VmActions({ vm }: { vm: VmDetail }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [migrating, setMigrating] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.vms.get.queryFilter({ vmId: vm.id }));
    void queryClient.invalidateQueries(trpc.vms.migrationProgress.queryFilter({ vmId: vm.id }));
    void queryClient.invalidateQueries(trpc.vms.list.pathFilter());
    void queryClient.invalidateQueries(trpc.operations.list.pathFilter());
  };
  const start = useMutation(trpc.vms.start.mutationOptions({ onSuccess: refresh }));
  const stop = useMutation(trpc.vms.stop.mutationOptions());
  const reboot = useMutation(trpc.vms.reboot.mutationOptions());
  const remove = useMutation(trpc.vms.delete.mutationOptions());
  const migrate = useMutation(
    trpc.vms.migrate.mutationOptions({
      onSuccess: () => {
        setMigrating(false);
        refresh();
      },
    }),
  );

  const busy = vm.activeOperation;
  const vmActions = [
    ["start", "Start", vm.actions.start],
    ["stop", "Stop", vm.actions.stop],
    ["reboot", "Reboot", vm.actions.reboot],
    ["migrate", "Migrate", vm.actions.migrate],
    ["delete", "Delete", vm.actions.delete],
  ] as const;
  // A rule's refusal (R9, R10…) is spelled out under the buttons, where a long reason has room; a
  // plain state one, or the running operation (said below), stays in the tooltip.
  const spelled = (verdict: Verdict) =>
    !busy && !verdict.allowed && verdict.code !== "VM_INVALID_STATE";
  /** Core's verdict on one action, for its button. */
  const verdictOf = (action: VmAction, verdict: Verdict) => ({
    size: "md" as const,
    disabledReason: busy
      ? `${operationKindLabel(busy.kind).toLowerCase()} in progress`
      : verdict.allowed
        ? null
        : verdict.reason,
    quietReason: true,
    ...(spelled(verdict)
      ? { reasonElsewhere: `vm-why-${action}` }
      : { reasonId: `vm-why-${action}` }),
    testId: `vm-action-${action}`,
  });

  /** Stop and reboot: asked first, then the VM's page follows the operation. */
  const confirmed = (
    action: "stop" | "reboot",
    label: string,
    mutation: { mutateAsync: (input: { vmId: string }) => Promise<unknown> },
    body: ReactNode,
  ) => (
    <ActionConfirm
      label={label}
      {...verdictOf(action, vm.actions[action])}
      variant="default"
      title={`${label} ${vm.name}?`}
      confirmLabel={label}
      danger
      action={() => mutation.mutateAsync({ vmId: vm.id })}
      onDone={refresh}
      body={body}
    />
  );

  return (
    <ActionBar
      label="VM actions"
      busy={busy}
      after={
        <>
          {vmActions
            .filter(([, , verdict]) => spelled(verdict))
            .map(([action, label, verdict]) => (
              <p
                key={action}
                className="actions-note action-why"
                id={`vm-why-${action}`}
                data-testid={`vm-why-${action}`}
              >
                <strong>{label}:</strong> {verdict.reason}
              </p>
            ))}
          {start.isError ? <ErrorBox error={start.error} /> : null}
          {migrating ? (
            <MigrateDialog
              vm={vm}
              pending={migrate.isPending}
              error={migrate.isError ? migrate.error : null}
              onClose={() => {
                setMigrating(false);
                migrate.reset();
              }}
              onConfirm={(targetHostId) => migrate.mutate({ vmId: vm.id, targetHostId })}
            />
          ) : null}
        </>
      }
    >
      {/* Start has no confirmation: its error (NO_VF_AVAILABLE when no VF is free, R8) shows below. */}
      <ReasonedButton
        label="Start"
        {...verdictOf("start", vm.actions.start)}
        onClick={() => start.mutate({ vmId: vm.id })}
      />
      {confirmed("stop", "Stop", stop, [
        <p key="what">The guest is shut down.</p>,
        vm.vfNicCount > 0 ? (
          <p key="vfs">
            Its {vm.vfNicCount === 1 ? "VF is" : `${vm.vfNicCount} VFs are`} released. The NICs keep
            their type, MAC and IP, and get a VF back at the next start — the same one if it is
            still free.
          </p>
        ) : null,
      ])}
      {confirmed("reboot", "Reboot", reboot, "The guest restarts. It keeps its host and its VFs.")}
      <ReasonedButton
        label="Migrate"
        {...verdictOf("migrate", vm.actions.migrate)}
        onClick={() => setMigrating(true)}
      />
      <ActionConfirm
        label="Delete"
        {...verdictOf("delete", vm.actions.delete)}
        title={`Delete ${vm.name}?`}
        confirmLabel="Delete VM"
        danger
        action={() => remove.mutateAsync({ vmId: vm.id })}
        // The VM page has nothing to show once the delete is accepted: the list shows it going.
        onDone={() => {
          refresh();
          router.push("/vms");
        }}
        body="The VM and its disks are removed; its VFs, IP and MAC addresses are freed and its EIPs detached. This cannot be undone."
      />
    </ActionBar>
  );
}

function MigrateDialog({
  vm,
  pending,
  error,
  onClose,
  onConfirm,
}: {
  vm: VmDetail;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onConfirm: (targetHostId: string | undefined) => void;
}) {
  const trpc = useTRPC();
  const isAdmin = useIsAdmin();
  const [target, setTarget] = useState("");
  // Only admins see hosts; for everyone else the scheduler picks one.
  const hosts = useQuery({
    ...trpc.hosts.list.queryOptions({ limit: 200, connectionState: "Connected" }),
    enabled: isAdmin,
  });
  const live = vm.state === "Running";
  // With VF NICs, a live migration claims a VF on the destination for each (issue 17).
  const withVfs = live && vm.vfNicCount > 0;
  // A stopped VM goes only where it could start, a running one with VF NICs only where a VF is
  // free for each: core judges every host and says why not.
  const judged = useQuery({
    ...trpc.vms.migrationCandidates.queryOptions({ vmId: vm.id }),
    enabled: !live || withVfs,
  });
  const stoppedHosts = judged.data?.hosts ?? [];
  const candidates =
    live && !withVfs
      ? (hosts.data?.items ?? []).filter((h) => h.id !== vm.hostId && h.clusterId === vm.clusterId)
      : stoppedHosts
          .filter((h) => h.reason === null)
          .map((h) => ({ id: h.hostId, name: h.name, clusterName: "" }));
  const refusedHosts = stoppedHosts.filter((h) => h.reason !== null);
  return (
    <Dialog open onClose={onClose} title={`Migrate ${vm.name}?`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          onConfirm(target || undefined);
        }}
      >
        <div className="dialog-content">
          <p>
            {withVfs
              ? "Live migration with VF NICs: a VF is claimed on the destination for every VF NIC, the VFs are unplugged while their virtio failover partners carry the traffic, the VM moves to another host of its cluster, and the claimed VFs are plugged there. Any failure rolls back."
              : live
                ? "Live migration: the VM keeps running and moves to another host of its cluster."
                : "The VM is stopped: it moves only to a host that could start it (its networks, IOMMU, room, a free VF for each VF NIC), and gets VFs there at the next start."}
          </p>
          {(!live || withVfs) && judged.isSuccess && candidates.length === 0 ? (
            <p className="field-error" role="alert">
              No host qualifies right now.
            </p>
          ) : null}
          {refusedHosts.length > 0 ? (
            <ul className="hint host-reasons" data-testid="migrate-host-reasons">
              {refusedHosts.map((h) => (
                <li key={h.hostId}>
                  {h.name}: {h.reason}
                </li>
              ))}
            </ul>
          ) : null}
          {isAdmin ? (
            <div className="field">
              <label htmlFor="migrate-target">Target host</label>
              <select
                id="migrate-target"
                value={target}
                onChange={(event) => setTarget(event.target.value)}
                data-autofocus=""
              >
                <option value="">Let the scheduler pick</option>
                {candidates.map((h) => (
                  <option key={h.id} value={h.id}>
                    {h.clusterName ? `${h.name} — ${h.clusterName}` : h.name}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <p className="hint">The scheduler picks a connected host with room.</p>
          )}
        </div>
        {error ? <ErrorBox error={error} /> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={pending}
            data-autofocus={isAdmin ? undefined : ""}
          >
            {pending ? "Working…" : "Migrate"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
