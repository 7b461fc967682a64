"use client";

import type { L2View } from "@virtfn/core";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { useHydrated } from "~/components/useHydrated";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { Pager } from "~/components/table";
import { errorData } from "~/lib/errors";
import type { RouterInputs, RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { useAction } from "~/trpc/useAction";
import { withDataLayer } from "~/trpc/withDataLayer";
import { SriovSwitchPanel } from "../../SriovSwitchPanel";
import { useLastShown } from "~/components/ui/useLastShown";
import { VfPortPolicyPanel } from "../../VfPortPolicyPanel";
import { clusterPagesQuery, type ClusterPages } from "./cluster-pages";
import { Form } from "~/components/ui/Form";

// The L2 page's interactive parts: Create L3, the SR-IOV switch, the VF port policy and the
// clusters (attach, detach, pages).

// The L3 form (react-hook-form, zod, the server's schema, its own queries) loads when it is first
// opened, with the data layer.
const CreateL3Dialog = withDataLayer(() =>
  import("../../l3/CreateL3Dialog").then((m) => m.CreateL3Dialog),
);

export type ClusterPage = RouterOutputs["networks"]["l2"]["clusters"];
export type Candidate = RouterOutputs["inventory"]["clusters"]["items"][number];

/** Create L3 network on this L2, with the form in a dialog (admins only). */
export function CreateL3Button({ l2Id, small }: { l2Id: string; small?: boolean }) {
  const isAdmin = useCan("inventory.manage");
  const [open, setOpen] = useState(false);
  const hydrated = useHydrated();
  if (!isAdmin) return null;
  return (
    <>
      <button
        type="button"
        className={small ? "btn btn-sm" : "btn"}
        disabled={!hydrated}
        onClick={() => setOpen(true)}
      >
        Create L3 network
      </button>
      {open ? <CreateL3Dialog onClose={() => setOpen(false)} initialL2Id={l2Id} /> : null}
    </>
  );
}

export function L2VfPortPolicy({ l2 }: { l2: L2View }) {
  const update = useL2Update();
  return (
    <VfPortPolicyPanel
      network={l2}
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

export function L2SriovPanel({ l2 }: { l2: L2View }) {
  return (
    <SriovSwitchPanel
      idPrefix="l2"
      network={l2}
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

export function ClustersPanel({
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
        <Form
          className="inline-form"
          onSubmit={() => {
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
        </Form>
      ) : null}
      {attach.isError ? <ErrorBox error={attach.error} /> : null}
      {candidates?.error ? <ErrorBox error={candidates.error} /> : null}
    </section>
  );
}

/** The L2's update, for its panels (the page is rendered again after it). */
function useL2Update() {
  return useAction((api, input: RouterInputs["networks"]["l2"]["update"]) =>
    api.networks.l2.update.mutate(input),
  );
}
