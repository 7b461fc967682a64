import { can } from "@virtfn/core/can";
import { pageInput, readListParams, searchParamGetter } from "~/components/ui/list-params";
import { wholePage } from "~/components/ui/whole-page";
import { settle } from "~/trpc/server";
import { requireRole } from "../guard";
import { InventoryPage } from "./InventoryPage";

export const metadata = { title: "Zones & clusters · virtfn" };

// Rendered on the server: both lists are in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/inventory">) {
  const user = await requireRole("inventory.read");
  // Clusters are paged (hundreds in a large fleet): the page's cursor and size are in the URL.
  const clusterInput = pageInput(readListParams(searchParamGetter(await searchParams), {}));
  const [zones, clusters] = await Promise.all([
    settle("inventory.zones", undefined, async (api) => wholePage(await api.inventory.zones())),
    settle("inventory.clusters", clusterInput, (api) => api.inventory.clusters(clusterInput)),
  ]);
  return (
    <InventoryPage canEdit={can(user, "inventory.manage")} zones={zones} clusters={clusters} />
  );
}
