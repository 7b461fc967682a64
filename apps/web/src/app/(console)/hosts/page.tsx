import { requireRole } from "~/app/(console)/guard";
import { listInput, readListParams, searchParamGetter } from "~/components/ui/list-params";
import { CLUSTER_PICKER_LIMIT } from "~/lib/clusters";
import { serverApi, settle } from "~/trpc/server";
import { hostsFilterInput, hostsList } from "./hosts-list";
import { HostsPage } from "./HostsPage";

export const metadata = { title: "Hosts · virtfn" };

// Rendered on the server: the list is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/hosts">) {
  await requireRole("inventory.read");
  const params = readListParams(searchParamGetter(await searchParams), hostsList);
  const input = { ...listInput(params), ...hostsFilterInput(params) };
  const api = await serverApi();
  const [hosts, clusters] = await Promise.all([
    settle("hosts.list", input, () => api.hosts.list(input)),
    // The filter's and the add form's options; without them the filter still works from a link.
    api.inventory.clusters({ limit: CLUSTER_PICKER_LIMIT }).then(
      (page) => page.items,
      () => [],
    ),
  ]);
  return <HostsPage {...hosts} clusters={clusters} />;
}
