import { requireRole } from "~/app/(console)/guard";
import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { settle } from "~/trpc/server";
import { overviewList } from "./overview-list";
import { SriovOverviewPage } from "./SriovOverviewPage";

export const metadata = { title: "SR-IOV overview · virtfn" };

// Rendered on the server: the usage is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/sriov">) {
  await requireRole("inventory.read");
  const { filters } = readListParams(searchParamGetter(await searchParams), overviewList);
  const input = { zoneId: filters.zone };
  const [zones, overview] = await Promise.all([
    settle("inventory.zones", undefined, (api) => api.inventory.zones()),
    settle("sriov.overview", input, (api) => api.sriov.overview(input)),
  ]);
  return <SriovOverviewPage zones={zones.data ?? []} overview={overview} />;
}
