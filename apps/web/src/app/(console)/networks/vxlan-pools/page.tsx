import { requireRole } from "~/app/(console)/guard";
import { wholePage } from "~/components/ui/whole-page";
import { serverApi, settle } from "~/trpc/server";
import { VxlanPoolsPage } from "./VxlanPoolsPage";

export const metadata = { title: "VXLAN pools · virtfn" };

// Rendered on the server: the pools are in the first paint and the page loads no data layer.
export default async function Page() {
  await requireRole("inventory.read");
  const api = await serverApi();
  const pools = await settle("networks.vxlanPools.list", {}, async () =>
    wholePage(await api.networks.vxlanPools.list({})),
  );
  return <VxlanPoolsPage {...pools} />;
}
