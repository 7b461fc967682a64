import { requireRole } from "~/app/(console)/guard";
import { wholePage } from "~/components/ui/whole-page";
import { settle } from "~/trpc/server";
import { VxlanPoolsPage } from "./VxlanPoolsPage";

export const metadata = { title: "VXLAN pools · virtfn" };

// Rendered on the server: the pools are in the first paint and the page loads no data layer.
export default async function Page() {
  await requireRole("inventory.read");
  const pools = await settle("networks.vxlanPools.list", {}, async (api) =>
    wholePage(await api.networks.vxlanPools.list({})),
  );
  return <VxlanPoolsPage {...pools} />;
}
