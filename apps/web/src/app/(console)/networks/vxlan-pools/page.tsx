import { requireRole } from "~/app/(console)/guard";
import { wholeList } from "~/components/ui/wholeList";
import { serverApi, settle } from "~/trpc/server";
import { VxlanPoolsPage } from "./VxlanPoolsPage";

export const metadata = { title: "VXLAN pools · virtfn" };

// Rendered on the server: the pools are in the first paint and the page loads no data layer.
export default async function Page() {
  await requireRole("inventory.read");
  const api = await serverApi();
  const pools = await settle("networks.vxlanPools.list", {}, () =>
    api.networks.vxlanPools.list({}),
  );
  return <VxlanPoolsPage {...wholeList(pools)} />;
}
