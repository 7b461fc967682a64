"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { L2View } from "@virtfn/core";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { Pager } from "~/components/table";
import { CLUSTER_PICKER_LIMIT, pageItems } from "~/lib/clusters";
import { errorData } from "~/lib/errors";
import { dateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import { VfPortPolicyPanel } from "../../VfPortPolicyPanel";
import { SriovSwitchPanel } from "../../SriovSwitchPanel";
import { VfAvailabilityPanel } from "../../VfAvailabilityPanel";
import { l2TypeLabel, segmentLabel, SriovBadge } from "../../shared";
import {
  NetworkActions,
  useBackToListAfterDelete,
  useShowNetworkUpdate,
} from "../../NetworkDetailParts";
import { DetailGate, isNotFound, type DetailList } from "~/components/ui/DetailGate";
import { DetailHeader } from "~/components/ui/DetailHeader";

// The L3 form (react-hook-form, zod and the server's schema) loads when it is first opened.
const CreateL3Dialog = dynamic(() =>
  import("../../l3/CreateL3Dialog").then((m) => m.CreateL3Dialog),
);

/** Where the page sits: its breadcrumb and the way back. */
const L2_LIST: DetailList = { label: "L2 networks", href: "/networks/l2" };

export function L2DetailPage({ l2Id }: { l2Id: string }) {
  const trpc = useTRPC();
  const l2 = useQuery(trpc.networks.l2.get.queryOptions({ l2Id }));

  if (!l2.data || isNotFound(l2.error))
    return <DetailGate query={l2} noun="L2 network" list={L2_LIST} />;
  return <L2Detail l2={l2.data} refreshError={l2.isError ? l2.error : null} />;
}

function L2Detail({ l2, refreshError }: { l2: L2View; refreshError: unknown }) {
  const isAdmin = useCan("inventory.manage");
  const trpc = useTRPC();
  const [creatingL3, setCreatingL3] = useState(false);
  const remove = useMutation(
    trpc.networks.l2.delete.mutationOptions({ onSuccess: useBackToListAfterDelete("l2") }),
  );

  return (
    <>
      <DetailHeader
        list={L2_LIST}
        name={l2.name}
        badges={
          <>
            <Badge tone="info">{segmentLabel(l2)}</Badge> <SriovBadge enabled={l2.sriovEnabled} />
          </>
        }
        subtitle={
          <>
            {l2.zoneName} · interface <code>{l2.physicalInterface}</code>
            {l2.description ? ` · ${l2.description}` : ""}
          </>
        }
        actions={
          <NetworkActions
            kind="L2"
            name={l2.name}
            deleteVerdict={l2.actions.delete}
            deleteBody={
              <>
                <p>
                  The segment is removed from virtfn and detached from its clusters. An L2 that
                  still has L3 networks cannot be deleted: delete them first.
                </p>
                {l2.l3Count > 0 ? (
                  <p className="hint">
                    {l2.name} has {l2.l3Count} L3 network{l2.l3Count === 1 ? "" : "s"}.
                  </p>
                ) : null}
              </>
            }
            onDelete={() => remove.mutateAsync({ l2Id: l2.id })}
          >
            <button type="button" className="btn" onClick={() => setCreatingL3(true)}>
              Create L3 network
            </button>
          </NetworkActions>
        }
        refreshError={refreshError}
      />

      <section className="panel">
        <h2>Facts</h2>
        <div className="facts">
          <dl>
            <dt>Zone</dt>
            <dd>{l2.zoneName}</dd>
            <dt>Type</dt>
            <dd>{l2TypeLabel[l2.type]}</dd>
            {l2.type === "Vlan" ? (
              <>
                <dt>VLAN id</dt>
                <dd>{l2.vlanId}</dd>
              </>
            ) : null}
            {l2.type === "Vxlan" ? (
              <>
                <dt>VXLAN pool</dt>
                <dd>{l2.vxlanPoolName ?? "—"}</dd>
                <dt>VNI</dt>
                <dd>{l2.vni}</dd>
              </>
            ) : null}
          </dl>
          <dl>
            <dt>Physical interface</dt>
            <dd>
              <code>{l2.physicalInterface}</code>
            </dd>
            <dt>L3 networks</dt>
            <dd>{l2.l3Count}</dd>
            <dt>Created</dt>
            <dd>{dateTime(l2.createdAt)}</dd>
          </dl>
        </div>
      </section>

      <SriovPanel l2={l2} />
      <VfAvailabilityPanel
        network={{ l2Id: l2.id }}
        disabledNote="SR-IOV is not enabled on this network: it hands out no VFs. The split state per host is shown for reference."
      />
      <L2VfPortPolicy l2={l2} />
      <ClustersPanel l2={l2} />

      <section className="panel">
        <h2>
          L3 networks <span className="count">{l2.l3Count}</span>
        </h2>
        <L3sOfL2 l2={l2} onCreate={isAdmin ? () => setCreatingL3(true) : undefined} />
      </section>

      {isAdmin && creatingL3 ? (
        <CreateL3Dialog open onClose={() => setCreatingL3(false)} initialL2Id={l2.id} />
      ) : null}
    </>
  );
}

function L2VfPortPolicy({ l2 }: { l2: L2View }) {
  const isAdmin = useCan("inventory.manage");
  const update = useL2Update(l2.id);
  return (
    <VfPortPolicyPanel
      allowTrust={l2.vfAllowTrust}
      spoofCheck={l2.vfSpoofCheck}
      canEdit={isAdmin}
      pending={update.isPending}
      error={update.error}
      onChange={(change) =>
        update.mutate({
          l2Id: l2.id,
          // An L2 always has a value; only an L3 inherits.
          ...(change.vfAllowTrust != null ? { vfAllowTrust: change.vfAllowTrust } : {}),
          ...(change.vfSpoofCheck != null ? { vfSpoofCheck: change.vfSpoofCheck } : {}),
        })
      }
    />
  );
}

function SriovPanel({ l2 }: { l2: L2View }) {
  const update = useL2Update(l2.id);
  return (
    <SriovSwitchPanel
      idPrefix="l2"
      name={l2.name}
      enabled={l2.sriovEnabled}
      verdicts={l2.actions}
      description={
        l2.sriovEnabled
          ? "L3 networks on this L2 may enable SR-IOV and hand VFs of the split interface to VM NICs."
          : l2.actions.enableSriov.allowed
            ? "VM NICs on this L2 are vNICs. Turn SR-IOV on so that its L3 networks can hand out VFs."
            : "VM NICs on this L2 are vNICs."
      }
      offConsequence="Its L3 networks can no longer offer VFs."
      explainOffError={(error) => {
        const refusedL3s = errorData(error).details?.sriovL3s;
        return Array.isArray(refusedL3s) && refusedL3s.length > 0 ? (
          <p className="hint">
            Turn SR-IOV off on {refusedL3s.join(", ")} first, or move their VF NICs away.
          </p>
        ) : null;
      }}
      onSwitch={(sriovEnabled) => update.mutateAsync({ l2Id: l2.id, sriovEnabled })}
    />
  );
}

function ClustersPanel({ l2 }: { l2: L2View }) {
  const isAdmin = useCan("inventory.manage");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // An L2 may be attached to hundreds of clusters: they are paged; the cursors of the pages
  // before this one are kept for "Previous".
  const [limit, setLimit] = useState(25);
  const [cursors, setCursors] = useState<string[]>([]);
  const attached = useQuery({
    ...trpc.networks.l2.clusters.queryOptions({ l2Id: l2.id, limit, cursor: cursors.at(-1) }),
    placeholderData: keepPreviousData,
  });
  const candidates = useQuery({
    ...trpc.inventory.clusters.queryOptions({
      zoneId: l2.zoneId,
      notAttachedToL2Id: l2.id,
      limit: CLUSTER_PICKER_LIMIT,
    }),
    select: pageItems,
    enabled: isAdmin,
  });
  const [clusterId, setClusterId] = useState("");
  const onChanged = (updated: L2View) => {
    queryClient.setQueryData(trpc.networks.l2.get.queryKey({ l2Id: l2.id }), updated);
    void queryClient.invalidateQueries(trpc.networks.l2.list.pathFilter());
    void queryClient.invalidateQueries(trpc.networks.l2.clusters.pathFilter());
    void queryClient.invalidateQueries(trpc.inventory.clusters.pathFilter());
    void queryClient.invalidateQueries(trpc.sriov.pathFilter());
  };
  const attach = useMutation(
    trpc.networks.l2.attachCluster.mutationOptions({
      onSuccess: (updated) => {
        setClusterId("");
        onChanged(updated);
      },
    }),
  );
  const detach = useMutation(
    trpc.networks.l2.detachCluster.mutationOptions({ onSuccess: onChanged }),
  );
  const options = candidates.data ?? [];
  const page = attached.data;

  return (
    <section className="panel">
      <h2>
        Clusters <span className="count">{l2.clusterCount}</span>
      </h2>
      {l2.clusterCount === 0 ? (
        <p className="muted">
          Not attached to any cluster: no host can put NICs on this network yet.
        </p>
      ) : attached.isError && !page ? (
        <ErrorBox error={attached.error} onRetry={() => void attached.refetch()} />
      ) : !page ? (
        <p className="loading">Loading clusters…</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Cluster</th>
                <th className="num">Hosts</th>
                {isAdmin ? <th className="num">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {page.items.map((cluster) => (
                <tr key={cluster.id} data-testid="l2-cluster-row">
                  <td className="strong">{cluster.name}</td>
                  <td className="num">{cluster.hostCount}</td>
                  {isAdmin ? (
                    <td className="num">
                      <ActionConfirm
                        label="Detach"
                        title={`Detach ${cluster.name} from ${l2.name}?`}
                        body="Hosts of this cluster can no longer put NICs on the network. Refused while VMs of the cluster have NICs on it."
                        confirmLabel="Detach"
                        danger
                        action={() => detach.mutateAsync({ l2Id: l2.id, clusterId: cluster.id })}
                      />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
          {page.nextCursor !== null || cursors.length > 0 ? (
            <Pager
              total={page.total}
              totalExact={page.totalExact}
              offset={cursors.length * limit}
              count={page.items.length}
              limit={limit}
              hasNext={page.nextCursor !== null}
              hasPrev={cursors.length > 0}
              onNext={() => {
                const next = page.nextCursor;
                if (next !== null) setCursors((previous) => [...previous, next]);
              }}
              onPrev={() => setCursors((previous) => previous.slice(0, -1))}
              onLimit={(n) => {
                setLimit(n);
                setCursors([]);
              }}
              noun="clusters"
            />
          ) : null}
        </div>
      )}
      {isAdmin ? (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (clusterId) attach.mutate({ l2Id: l2.id, clusterId });
          }}
        >
          <label className="field-inline">
            <span>Attach cluster</span>
            <select
              value={clusterId}
              onChange={(event) => setClusterId(event.target.value)}
              disabled={options.length === 0}
            >
              <option value="">
                {candidates.isPending
                  ? "Loading clusters…"
                  : options.length === 0
                    ? "All clusters of the zone are attached"
                    : "Select a cluster…"}
              </option>
              {options.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.hostCount} host{c.hostCount === 1 ? "" : "s"})
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="btn btn-sm" disabled={!clusterId || attach.isPending}>
            {attach.isPending ? "Attaching…" : "Attach"}
          </button>
        </form>
      ) : null}
      {attach.isError ? <ErrorBox error={attach.error} /> : null}
    </section>
  );
}

function L3sOfL2({ l2, onCreate }: { l2: L2View; onCreate: (() => void) | undefined }) {
  const trpc = useTRPC();
  const l3s = useQuery(trpc.networks.l3.list.queryOptions({ l2Id: l2.id, limit: 100 }));
  if (l3s.isError && !l3s.data)
    return <ErrorBox error={l3s.error} onRetry={() => void l3s.refetch()} />;
  if (!l3s.data) return <p className="loading">Loading L3 networks…</p>;
  if (l3s.data.items.length === 0) {
    return (
      <p className="muted">
        No L3 networks on this L2 yet.{" "}
        {onCreate ? (
          <button type="button" className="btn btn-sm" onClick={onCreate}>
            Create L3 network
          </button>
        ) : null}
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="data">
        <thead>
          <tr>
            <th>Name</th>
            <th>Category</th>
            <th>SR-IOV</th>
            <th className="hide-narrow">Subnet</th>
            <th className="num">NICs</th>
          </tr>
        </thead>
        <tbody>
          {l3s.data.items.map((l3) => (
            <tr key={l3.id} data-testid="l3-row">
              <td>
                <Link href={`/networks/l3/${l3.id}`} className="strong-link">
                  {l3.name}
                </Link>
              </td>
              <td>{l3.category}</td>
              <td>
                <SriovBadge enabled={l3.sriovEnabled} />
              </td>
              <td className="hide-narrow">
                {l3.gateway ? (
                  `${l3.gateway}/${l3.prefixLength ?? "?"}`
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="num">
                {l3.nicCount}
                {l3.vfNicCount > 0 ? <div className="sub">{l3.vfNicCount} VF</div> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The L2's update, for its panels (useShowNetworkUpdate: shown at once, the rest reloads). */
function useL2Update(l2Id: string) {
  const trpc = useTRPC();
  const onSuccess = useShowNetworkUpdate(trpc.networks.l2.get.queryKey({ l2Id }));
  return useMutation(trpc.networks.l2.update.mutationOptions({ onSuccess }));
}
