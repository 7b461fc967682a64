import { can } from "@virtfn/core/can";
import { requireRole } from "~/app/(console)/guard";
import { CLUSTER_PICKER_LIMIT } from "~/lib/clusters";
import { settle } from "~/trpc/server";
import { CLUSTER_AFTER_KEY, CLUSTER_LIMIT_KEY, readClusterPages } from "./cluster-pages";
import { NetworkDetailPage } from "../../NetworkDetailParts";
import { L2Detail } from "./L2DetailPage";

export const metadata = { title: "L2 network · virtfn" };

// Rendered on the server: the L2 and its panels are in the first paint and the page loads no data
// layer. The clusters' page lives in the URL; NetworkDetailPage renders it again while it is open.
export default async function Page({ params, searchParams }: PageProps<"/networks/l2/[id]">) {
  const user = await requireRole("inventory.read");
  const { id: l2Id } = await params;
  const query = await searchParams;
  const after = query[CLUSTER_AFTER_KEY];
  const limit = query[CLUSTER_LIMIT_KEY];
  const pages = readClusterPages(
    Array.isArray(limit) ? limit[0] : limit,
    after === undefined ? [] : [after].flat(),
  );
  const clustersInput = { l2Id, limit: pages.limit, cursor: pages.cursors.at(-1) };
  const l3sInput = { l2Id, limit: 100 };
  const l2Read = settle("networks.l2.get", { l2Id }, (api) => api.networks.l2.get({ l2Id }));
  const [l2, candidates, availability, clusters, l3s] = await Promise.all([
    l2Read,
    // The clusters an admin may attach: those of the L2's zone not attached yet.
    can(user, "inventory.manage")
      ? l2Read.then(({ data }) => {
          if (!data) return null;
          const input = {
            zoneId: data.zoneId,
            notAttachedToL2Id: l2Id,
            limit: CLUSTER_PICKER_LIMIT,
          };
          return settle("inventory.clusters", input, (api) => api.inventory.clusters(input));
        })
      : null,
    settle("sriov.l2Availability", { l2Id }, (api) => api.sriov.l2Availability({ l2Id })),
    settle("networks.l2.clusters", clustersInput, (api) => api.networks.l2.clusters(clustersInput)),
    settle("networks.l3.list", l3sInput, (api) => api.networks.l3.list(l3sInput)),
  ]);
  const reads = { availability, clusters, candidates, l3s };
  return (
    <NetworkDetailPage
      kind="L2"
      id={l2Id}
      error={l2.error}
      view={l2.data ? <L2Detail l2={l2.data} clusterPages={pages} {...reads} /> : null}
    />
  );
}
