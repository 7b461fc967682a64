"use client";

import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import type { HostDetail, NicDetail, NicRow, OperationView, Verdict } from "@virtfn/core";
import { progressCount } from "@virtfn/core/progress";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import {
  Badge,
  ConnectionBadge,
  IommuBadge,
  LinkBadge,
  VirtualizationBadge,
} from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { isActive } from "~/components/OperationsTable";
import { ProgressBar } from "~/components/ProgressBar";
import { RecentOperationsPanel } from "~/components/RecentOperationsPanel";
import { useCan } from "~/components/session";
import { useNow } from "~/components/useNow";
import { dateTime, memory, operationKindLabel, relativeTime, speed } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { ActionConfirm, ReasonedButton } from "~/components/ui/ActionConfirm";
import { ActionBar } from "~/components/ui/ActionBar";
import { DetailGate, isNotFound, type DetailList } from "~/components/ui/DetailGate";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { HostAllocationPanel } from "./HostAllocationPanel";
import { PciDevicesPanel } from "./PciDevicesPanel";
import styles from "./HostNicTable.module.css";
import { PfCountersButton } from "./PfCounters";
import { VfPoolsButton } from "./VfPools";

// The form (react-hook-form, zod and the server's schema) loads when the dialog first opens.
const EditHostDialog = dynamic(() => import("./EditHostDialog").then((m) => m.EditHostDialog));
// Split and restore open from a PF's row; their forms and progress load with the first open.
const SplitDialog = dynamic(() => import("./PfDialogs").then((m) => m.SplitDialog));
const RestoreDialog = dynamic(() => import("./PfDialogs").then((m) => m.RestoreDialog));

/** Where the page sits: its breadcrumb and the way back. */
const HOSTS: DetailList = { label: "Hosts", href: "/hosts" };

export function HostDetailPage({ hostId }: { hostId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow();

  const ops = useQuery({
    ...trpc.operations.list.queryOptions({
      targetId: hostId,
      limit: 10,
      sort: "createdAt",
      order: "desc",
    }),
    refetchInterval: (query) => (query.state.data?.items.some(isActive) ? 1500 : 10_000),
  });
  // Read by the host query's poll; set below once the operations are known.
  const busyRef = useRef(false);
  const host = useQuery({
    ...trpc.hosts.get.queryOptions({ hostId }),
    refetchInterval: (query) =>
      query.state.data?.connectionState === "Connecting" || busyRef.current ? 1500 : 15_000,
  });
  // Split and restore target the PF, not the host: follow each PF's latest operations too. The
  // batch link sends these as one request.
  const nicIds =
    host.data?.nics
      .filter((nic) => nic.virtualizationState !== "NotVirtualizable")
      .map((nic) => nic.id) ?? [];
  const pfOps = useQueries({
    queries: nicIds.map((pfId) => ({
      ...trpc.operations.list.queryOptions({
        targetId: pfId,
        limit: 5,
        sort: "createdAt",
        order: "desc",
      }),
      refetchInterval: (query: { state: { data?: { items: OperationView[] } } }) =>
        query.state.data?.items.some(isActive) ? 1000 : 10_000,
    })),
  });
  const pfOpItems = pfOps.flatMap((query) => query.data?.items ?? []);
  const activeOps = ops.data?.items.filter(isActive) ?? [];
  const activePfOps = pfOpItems.filter(isActive);

  // When an operation on this host or its PFs finishes, its effects (facts, NICs, VFs) are in the
  // host row now.
  const activeCount = activeOps.length + activePfOps.length;
  useEffect(() => {
    busyRef.current = activeCount > 0;
  }, [activeCount]);
  const previousActive = useRef(activeCount);
  useEffect(() => {
    if (activeCount < previousActive.current) {
      void queryClient.invalidateQueries(trpc.hosts.get.queryFilter({ hostId }));
    }
    previousActive.current = activeCount;
  }, [activeCount, queryClient, trpc, hostId]);

  const recentOps = [...(ops.data?.items ?? []), ...pfOpItems]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, 10);

  if (!host.data || isNotFound(host.error))
    return <DetailGate query={host} noun="host" list={HOSTS} />;
  const h = host.data;
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
        actions={<HostActions host={h} activeOps={[...activeOps, ...activePfOps]} />}
        refreshError={host.isError ? host.error : null}
      />
      {h.connectionState === "Disconnected" ? (
        <div className="banner banner-err" role="status">
          <strong>Disconnected.</strong> {h.connectionReason ?? "The agent is not answering."}
        </div>
      ) : null}
      <ReadinessBanner host={h} />
      {h.maintenance ? (
        <div className="banner banner-warn" role="status" data-testid="maintenance-banner">
          <strong>In maintenance</strong>
          {h.maintenanceSince ? ` since ${dateTime(h.maintenanceSince)}` : ""}. No new VMs are
          created, started or moved here; the {h.vmCount} VM{h.vmCount === 1 ? "" : "s"} on it keep
          running. Splitting and restoring PFs stays possible.
        </div>
      ) : null}

      <section className="panel">
        <h2>Facts</h2>
        <div className="facts">
          <dl>
            <dt>Connection</dt>
            <dd>
              <ConnectionBadge state={h.connectionState} />
            </dd>
            <dt>Last seen</dt>
            <dd title={dateTime(h.lastSeenAt)}>{relativeTime(h.lastSeenAt, now)}</dd>
            <dt>Agent</dt>
            <dd>
              {h.agentVersion ?? "—"}
              {h.agentBackend ? (
                <span className="sub-inline"> ({h.agentBackend} backend)</span>
              ) : null}
            </dd>
          </dl>
          <dl>
            <dt>CPU</dt>
            <dd>{h.cpuModel ?? "—"}</dd>
            <dt>CPUs</dt>
            <dd>{h.cpuCount > 0 ? h.cpuCount : "—"}</dd>
            <dt>Virtualization</dt>
            <dd>
              {h.cpuVirtualization ? (
                <code>{h.cpuVirtualization}</code>
              ) : h.lastSeenAt ? (
                <Badge tone="err" title="No vmx/svm CPU flag: this host cannot run KVM guests.">
                  none
                </Badge>
              ) : (
                "—"
              )}
            </dd>
            <dt>Memory</dt>
            <dd>{memory(h.memoryMiB)}</dd>
          </dl>
          <dl>
            <dt>IOMMU enabled</dt>
            <dd>
              <YesNo value={h.iommuEnabled} /> <span className="sub-inline">desired</span>
            </dd>
            <dt>Kernel argument</dt>
            <dd>
              <YesNo value={h.iommuKernelArgSet} unknown={!h.lastSeenAt} />
            </dd>
            <dt>IOMMU active</dt>
            <dd>
              <YesNo value={h.iommuActive} unknown={!h.lastSeenAt} />
            </dd>
            <dt>Interrupt remapping</dt>
            <dd>
              <YesNo value={h.interruptRemapping} unknown={!h.lastSeenAt} />
            </dd>
            <dt>allow_unsafe_interrupts</dt>
            <dd>
              <YesNo value={h.allowUnsafeInterrupts} warnWhenTrue unknown={!h.lastSeenAt} />
            </dd>
          </dl>
        </div>
      </section>

      <HostAllocationPanel host={h} />

      <section className="panel">
        <h2>
          Physical NICs <span className="count">{h.nics.length}</span>
        </h2>
        <NicTable host={h} pfOps={pfOpItems} />
      </section>

      <PciDevicesPanel hostId={h.id} />

      <RecentOperationsPanel
        targetId={h.id}
        items={ops.data ? recentOps : null}
        error={ops.error}
        onRetry={() => void ops.refetch()}
        now={now}
      />
    </>
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

function NicTable({ host, pfOps }: { host: HostDetail; pfOps: OperationView[] }) {
  const isAdmin = useCan("inventory.manage");
  const [dialog, setDialog] = useState<{ kind: "split" | "restore"; nicId: string } | null>(null);
  if (host.nics.length === 0) {
    return (
      <p className="muted">
        {host.connectionState === "Connected"
          ? "The agent reports no NICs."
          : "No NICs reported yet."}
      </p>
    );
  }
  const latestOp = (nic: NicRow) =>
    pfOps
      .filter((op) => op.targetId === nic.id)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  // Core decides each button (split or resize, restore). A reason that every splittable NIC
  // shares (the host is down, its IOMMU is not active) is said once, above the table.
  const splitVerdict = (nic: NicDetail) =>
    nic.numVfs > 0 ? nic.actions.resize : nic.actions.split;
  const splittable = host.nics.filter((nic) => nic.virtualizationState !== "NotVirtualizable");
  const firstReason = splittable[0] ? splitVerdict(splittable[0]).reason : null;
  const hostWide =
    firstReason !== null && splittable.every((nic) => splitVerdict(nic).reason === firstReason)
      ? firstReason
      : null;
  const dialogNic = dialog ? host.nics.find((nic) => nic.id === dialog.nicId) : undefined;
  return (
    <>
      {isAdmin && hostWide ? (
        <p className="actions-note nic-note" id="nic-actions-note" role="note">
          SR-IOV split is unavailable on this host. {hostWide}
        </p>
      ) : null}
      <div className="table-wrap">
        <table className="data nic-table" data-testid="nic-table">
          <thead>
            <tr>
              <th>Name</th>
              <th className="hide-narrow">Model</th>
              <th>Link</th>
              <th className="num">Speed</th>
              <th>Virtualization</th>
              <th className="num" title="Available VFs / VFs split (max supported)">
                VFs avail / total
              </th>
              <th>Bond</th>
              <th>PCI address</th>
              <th>Driver</th>
              {isAdmin ? <th className={styles.pfActions}>SR-IOV</th> : null}
            </tr>
          </thead>
          <tbody>
            {host.nics.map((nic) => {
              const op = latestOp(nic);
              const active = op && isActive(op) ? op : undefined;
              const split = splitVerdict(nic);
              const restore = nic.actions.restore;
              const sriovActions = (
                <>
                  <div className="actions actions-start">
                    <button
                      type="button"
                      className="btn btn-sm"
                      disabled={!split.allowed}
                      title={split.reason ? `SR-IOV split — ${split.reason}` : undefined}
                      aria-describedby={!split.allowed && hostWide ? "nic-actions-note" : undefined}
                      onClick={() => setDialog({ kind: "split", nicId: nic.id })}
                    >
                      SR-IOV split
                    </button>
                    <button
                      type="button"
                      className="btn btn-sm btn-danger-outline"
                      disabled={!restore.allowed}
                      title={restore.reason ? `SR-IOV restore — ${restore.reason}` : undefined}
                      onClick={() => setDialog({ kind: "restore", nicId: nic.id })}
                    >
                      SR-IOV restore
                    </button>
                    <VfPoolsButton host={host} nic={nic} />
                    <PfCountersButton host={host} nic={nic} />
                  </div>
                  {active ? (
                    <div className="nic-op" data-testid="nic-operation">
                      <ProgressBar
                        value={active.progress}
                        status={active.status}
                        label={`${operationKindLabel(active.kind)} progress`}
                      />
                      <span className="sub">
                        {operationKindLabel(active.kind)}:{" "}
                        {active.status === "Pending"
                          ? "waiting for a worker…"
                          : (progressCount(active) ?? (active.progressMessage || active.status))}
                      </span>
                    </div>
                  ) : op?.status === "Failed" ? (
                    <p className="sub op-error">
                      Last {operationKindLabel(op.kind).toLowerCase()} failed
                      {op.errorMessage ? `: ${op.errorMessage}` : "."}
                    </p>
                  ) : !split.allowed && split.reason !== hostWide ? (
                    <p className="sub why-row" data-testid="nic-why">
                      {split.reason}
                    </p>
                  ) : !restore.allowed && split.allowed && nic.numVfs > 0 ? (
                    <p className="sub why-row" data-testid="nic-why">
                      {restore.reason}
                    </p>
                  ) : null}
                </>
              );
              return (
                <tr key={nic.id} data-testid="nic-row" data-nic={nic.label}>
                  <td>
                    <span className="strong">{nic.label}</span>
                    {nic.l2.canCarryL2 ? null : (
                      <div className="sub" data-testid="nic-no-l2">
                        {nic.l2.message}
                      </div>
                    )}
                    <div className="sub show-narrow">{nic.model}</div>
                  </td>
                  <td className="hide-narrow nic-model">{nic.model}</td>
                  <td>
                    <LinkBadge up={nic.linkUp} />
                  </td>
                  <td className="num">{speed(nic.speedMbps)}</td>
                  <td>
                    <VirtualizationBadge state={nic.virtualizationState} />
                  </td>
                  <td className="num" data-testid="nic-vfs">
                    {nic.vfAvailable} / {nic.vfTotal}
                    {nic.totalVfs > 0 ? <div className="sub">max {nic.totalVfs}</div> : null}
                  </td>
                  <td>
                    {nic.bondName ? (
                      <>
                        {nic.bondName}
                        {nic.bondSlaves.length ? (
                          <div className="sub">{nic.bondSlaves.join(", ")}</div>
                        ) : null}
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <code>{nic.pciAddress}</code>
                  </td>
                  <td>{nic.driver}</td>
                  {isAdmin ? (
                    <td className={`nic-actions ${styles.pfActions}`} data-testid="nic-actions">
                      {sriovActions}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {dialog && dialogNic ? (
        dialog.kind === "split" ? (
          <SplitDialog
            key={`split-${dialogNic.id}`}
            host={host}
            nic={dialogNic}
            open
            onClose={() => setDialog(null)}
          />
        ) : (
          <RestoreDialog
            key={`restore-${dialogNic.id}`}
            host={host}
            nic={dialogNic}
            open
            onClose={() => setDialog(null)}
          />
        )
      ) : null}
    </>
  );
}

function HostActions({ host, activeOps }: { host: HostDetail; activeOps: OperationView[] }) {
  const isAdmin = useCan("inventory.manage");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.hosts.get.queryFilter({ hostId: host.id }));
    void queryClient.invalidateQueries(trpc.operations.list.pathFilter());
    void queryClient.invalidateQueries(trpc.hosts.list.pathFilter());
  };
  const reconnect = useMutation(trpc.hosts.reconnect.mutationOptions({ onSuccess: refresh }));
  const iommu = useMutation(trpc.hosts.setIommu.mutationOptions());
  const reboot = useMutation(trpc.hosts.reboot.mutationOptions());
  const enterMaintenance = useMutation(trpc.hosts.enterMaintenance.mutationOptions());
  const leaveMaintenance = useMutation(trpc.hosts.leaveMaintenance.mutationOptions());
  const remove = useMutation(
    trpc.hosts.delete.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.hosts.list.pathFilter());
        router.push("/hosts");
      },
    }),
  );

  if (!isAdmin) {
    return <p className="muted small">Read-only: only admins change hosts.</p>;
  }

  const busy = activeOps[0];
  // While an operation runs, one note explains the buttons it blocks (below), not each button.
  const reasonOf = ({ reason, code }: Verdict) => ({
    disabledReason: reason,
    quietReason: Boolean(busy) && code === "OPERATION_IN_PROGRESS",
    size: "md" as const,
  });
  const iommuLabel = host.iommuEnabled ? "Disable IOMMU" : "Enable IOMMU";

  return (
    <ActionBar
      label="Host actions"
      busy={busy}
      after={
        <>
          {reconnect.isError ? <ErrorBox error={reconnect.error} /> : null}
          {editing ? <EditHostDialog host={host} open onClose={() => setEditing(false)} /> : null}
        </>
      }
    >
      <ReasonedButton
        label="Reconnect"
        {...reasonOf(host.actions.reconnect)}
        onClick={() => reconnect.mutate({ hostId: host.id })}
      />
      <ActionConfirm
        label={iommuLabel}
        {...reasonOf(host.actions.setIommu)}
        title={`${iommuLabel} on ${host.name}?`}
        confirmLabel={iommuLabel}
        body={
          host.iommuEnabled ? (
            <p>
              The agent removes the IOMMU kernel argument. After the next reboot, the host can no
              longer split NICs or run VMs with VF NICs.
            </p>
          ) : (
            <p>
              The agent adds <code>intel_iommu=on</code> / <code>amd_iommu=on</code> to the kernel
              command line. It takes effect after the host reboots.
            </p>
          )
        }
        action={() => iommu.mutateAsync({ hostId: host.id, enabled: !host.iommuEnabled })}
        onDone={refresh}
      />
      <ActionConfirm
        label="Reboot"
        {...reasonOf(host.actions.reboot)}
        variant="default"
        title={`Reboot ${host.name}?`}
        confirmLabel="Reboot"
        danger
        body={
          <>
            <p>
              The host restarts. VMs on it stop, and its VFs disappear until the agent re-applies
              the split count after the boot.
            </p>
            {host.agentBackend && host.agentBackend !== "sim" ? (
              <p className="hint">
                Only simulated hosts can be rebooted through the agent; a real agent refuses.
              </p>
            ) : null}
          </>
        }
        action={() => reboot.mutateAsync({ hostId: host.id })}
        onDone={refresh}
      />
      <ActionConfirm
        label="Delete host"
        {...reasonOf(host.actions.delete)}
        title={`Delete ${host.name}?`}
        confirmLabel="Delete host"
        danger
        body="virtfn forgets this host, its NICs and VFs. The host itself and its agent keep running; you can add it again later. Hosts that still run VMs cannot be deleted."
        action={() => remove.mutateAsync({ hostId: host.id })}
      />
      <ReasonedButton
        label="Edit"
        {...reasonOf(host.actions.edit)}
        onClick={() => setEditing(true)}
      />
      {host.maintenance ? (
        <ActionConfirm
          label="Leave maintenance"
          size="md"
          disabledReason={host.actions.leaveMaintenance.reason}
          title={`Take ${host.name} out of maintenance?`}
          confirmLabel="Leave maintenance"
          body={<p>{host.name} takes new VMs again: creates, starts and moves can land on it.</p>}
          action={() => leaveMaintenance.mutateAsync({ hostId: host.id })}
          onDone={refresh}
        />
      ) : (
        <ActionConfirm
          label="Enter maintenance"
          size="md"
          disabledReason={host.actions.enterMaintenance.reason}
          title={`Put ${host.name} into maintenance?`}
          confirmLabel="Enter maintenance"
          body={<MaintenanceConfirmBody host={host} />}
          action={() => enterMaintenance.mutateAsync({ hostId: host.id })}
          onDone={refresh}
        />
      )}
    </ActionBar>
  );
}

/** What entering maintenance means for this host, with the VMs that stay on it listed. */
function MaintenanceConfirmBody({ host }: { host: HostDetail }) {
  const { vms } = host.allocation;
  return (
    <div data-testid="maintenance-confirm">
      <p>
        No new VMs are created, started or moved onto {host.name}. The VMs already there keep
        running; stop, move or delete them as you need. Splitting and restoring PFs stays possible.
      </p>
      {host.vmCount === 0 ? (
        <p className="muted">No VMs are on this host.</p>
      ) : (
        <>
          <p>
            {host.vmCount} VM{host.vmCount === 1 ? " is" : "s are"} on this host:
          </p>
          <ul className="vm-list" data-testid="maintenance-vms">
            {vms.map((vm) => (
              <li key={vm.id}>
                <Link href={`/vms/${vm.id}`}>{vm.name}</Link>{" "}
                <span className="muted small">
                  ({vm.state.toLowerCase()}, {vm.projectName})
                </span>
              </li>
            ))}
          </ul>
          {host.vmCount > vms.length ? (
            <p className="muted small">…and {host.vmCount - vms.length} more.</p>
          ) : null}
        </>
      )}
    </div>
  );
}
