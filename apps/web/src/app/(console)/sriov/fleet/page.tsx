import { can } from "@virtfn/core/can";
import { requireRole } from "~/app/(console)/guard";
import { CLUSTER_PICKER_LIMIT, pageItems } from "~/lib/clusters";
import { serverApi, settle } from "~/trpc/server";
import { FleetRolloutPage } from "./FleetRolloutPage";

export const metadata = { title: "Fleet split & restore · virtfn" };

// Rendered on the server: the rollouts (and for those who may split, the clusters to pick from)
// are in the first paint and the page loads no data layer until a rollout's detail is shown.
export default async function Page() {
  const user = await requireRole("inventory.read");
  const clusterInput = { limit: CLUSTER_PICKER_LIMIT };
  const rolloutInput = { limit: 20 };
  const api = await serverApi();
  const [clusters, rollouts] = await Promise.all([
    can(user, "inventory.manage")
      ? settle("inventory.clusters", clusterInput, async () =>
          pageItems(await api.inventory.clusters(clusterInput)),
        )
      : { data: [], error: null },
    settle("fleet.list", rolloutInput, () => api.fleet.list(rolloutInput)),
  ]);
  return <FleetRolloutPage clusters={clusters} rollouts={rollouts} />;
}
