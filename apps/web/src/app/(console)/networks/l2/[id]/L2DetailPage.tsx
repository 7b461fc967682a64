"use client";

import type { L2View } from "@virtfn/core";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Badge } from "~/components/badges";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { useHydrated } from "~/components/useHydrated";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { LocalTime } from "~/components/ui/ClockText";
import { Pager } from "~/components/table";
import { errorData, type ShownError } from "~/lib/errors";
import type { RouterInputs, RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { useAction } from "~/trpc/useAction";
import { withDataLayer } from "~/trpc/withDataLayer";
import { NetworkDetailFrame, NetworkHeader } from "../../NetworkDetailParts";
import { SriovSwitchPanel } from "../../SriovSwitchPanel";
import { l2TypeLabel, segmentLabel, SriovBadge } from "../../shared";
import { useLastShown } from "~/components/ui/useLastShown";
import { VfAvailabilityPanel, type VfAvailability } from "../../VfAvailabilityPanel";
import { VfPortPolicyPanel } from "../../VfPortPolicyPanel";
import { clusterPagesQuery, type ClusterPages } from "./cluster-pages";

// The L3 form (react-hook-form, zod, the server's schema, its own queries) loads when it is first
// opened, with the data layer.
const CreateL3Dialog = withDataLayer(() =>
  import("../../l3/CreateL3Dialog").then((m) => m.CreateL3Dialog),
);

type ClusterPage = RouterOutputs["networks"]["l2"]["clusters"];
type Candidate = RouterOutputs["inventory"]["clusters"]["items"][number];
type L3Page = RouterOutputs["networks"]["l3"]["list"];

export interface L2DetailPageProps {
  l2Id: string;
  l2: Settled<L2View>;
  availability: Settled<VfAvailability>;
  clusterPages: ClusterPages;
  clusters: Settled<ClusterPage>;
  /** The clusters an admin may attach (null for others). */
  candidates: Settled<{ items: Candidate[] }> | null;
  l3s: Settled<L3Page>;
}

export function L2DetailPage(props: L2DetailPageProps) {
  return (
    <NetworkDetailFrame kind="L2" id={props.l2Id} network={props.l2}>
      {(l2, refreshError) => <L2Detail {...props} l2={l2} refreshError={refreshError} />}
    </NetworkDetailFrame>
  );
}

function L2Detail({
  l2,
  refreshError,
  availability,
  clusterPages,
  clusters,
  candidates,
  l3s,
}: Omit<L2DetailPageProps, "l2"> & { l2: L2View; refreshError: ShownError | null }) {
  const isAdmin = useCan("inventory.manage");
  const [creatingL3, setCreatingL3] = useState(false);
  const hydrated = useHydrated();

  return (
    <>
      <NetworkHeader
        kind="L2"
        network={l2}
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
        deleteBody={
          <>
            <p>
              The segment is removed from virtfn and detached from its clusters. An L2 that still
              has L3 networks cannot be deleted: delete them first.
            </p>
            {l2.l3Count > 0 ? (
              <p className="hint">
                {l2.name} has {l2.l3Count} L3 network{l2.l3Count === 1 ? "" : "s"}.
              </p>
            ) : null}
          </>
        }
        onDelete={(api) => api.networks.l2.delete.mutate({ l2Id: l2.id })}
        refreshError={refreshError}
      >
        <button
          type="button"
          className="btn"
          disabled={!hydrated}
          onClick={() => setCreatingL3(true)}
        >
          Create L3 network
        </button>
      </NetworkHeader>

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
            <dd>
              <LocalTime date={l2.createdAt} />
            </dd>
          </dl>
        </div>
      </section>

      <SriovPanel l2={l2} />
      <VfAvailabilityPanel
        networkId={l2.id}
        availability={availability}
        disabledNote="SR-IOV is not enabled on this network: it hands out no VFs. The split state per host is shown for reference."
      />
      <L2VfPortPolicy l2={l2} />
      <ClustersPanel l2={l2} pages={clusterPages} clusters={clusters} candidates={candidates} />

      <section className="panel">
        <h2>
          L3 networks <span className="count">{l2.l3Count}</span>
        </h2>
        <L3sOfL2 l2={l2} l3s={l3s} onCreate={isAdmin ? () => setCreatingL3(true) : undefined} />
      </section>

      {isAdmin && creatingL3 ? (
        <CreateL3Dialog open onClose={() => setCreatingL3(false)} initialL2Id={l2.id} />
      ) : null}
    </>
  );
}

function L2VfPortPolicy({ l2 }: { l2: L2View }) {
  const isAdmin = useCan("inventory.manage");
  const update = useL2Update();
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
      onSwitch={(api, sriovEnabled) => api.networks.l2.update.mutate({ l2Id: l2.id, sriovEnabled })}
    />
  );
}

function ClustersPanel({
  l2,
  pages,
  clusters,
  candidates,
}: {
  l2: L2View;
  pages: ClusterPages;
  clusters: Settled<ClusterPage>;
  candidates: Settled<{ items: Candidate[] }> | null;
}) {
  const isAdmin = useCan("inventory.manage");
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const { limit, cursors } = pages;
  const showPages = (next: ClusterPages) =>
    router.replace(`${pathname}?${clusterPagesQuery(searchParams, next)}`, { scroll: false });
  const [clusterId, setClusterId] = useState("");
  const attach = useAction(
    (api, input: RouterInputs["networks"]["l2"]["attachCluster"]) =>
      api.networks.l2.attachCluster.mutate(input),
    { onSuccess: () => setClusterId("") },
  );
  const detach = useAction((api, input: RouterInputs["networks"]["l2"]["detachCluster"]) =>
    api.networks.l2.detachCluster.mutate(input),
  );
  const page = useLastShown(clusters.data, `${l2.id}?${cursors.join(",")}&${limit}`);
  const options = candidates?.data?.items ?? [];

  return (
    <section className="panel">
      <h2>
        Clusters <span className="count">{l2.clusterCount}</span>
      </h2>
      {l2.clusterCount === 0 ? (
        <p className="muted">
          Not attached to any cluster: no host can put NICs on this network yet.
        </p>
      ) : !page ? (
        <ErrorBox error={clusters.error} onRetry={() => router.refresh()} />
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
                if (next !== null) showPages({ limit, cursors: [...cursors, next] });
              }}
              onPrev={() => showPages({ limit, cursors: cursors.slice(0, -1) })}
              onLimit={(n) => showPages({ limit: n, cursors: [] })}
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
                {candidates?.error
                  ? "Could not load the zone's clusters"
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
      {candidates?.error ? <ErrorBox error={candidates.error} /> : null}
    </section>
  );
}

function L3sOfL2({
  l2,
  l3s,
  onCreate,
}: {
  l2: L2View;
  l3s: Settled<L3Page>;
  onCreate: (() => void) | undefined;
}) {
  const router = useRouter();
  const data = useLastShown(l3s.data, l2.id);
  if (!data) return <ErrorBox error={l3s.error} onRetry={() => router.refresh()} />;
  if (data.items.length === 0) {
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
          {data.items.map((l3) => (
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

/** The L2's update, for its panels (the page is rendered again after it). */
function useL2Update() {
  return useAction((api, input: RouterInputs["networks"]["l2"]["update"]) =>
    api.networks.l2.update.mutate(input),
  );
}
