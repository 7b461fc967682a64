import { requireRole } from "~/app/(console)/guard";
import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { settle } from "~/trpc/server";
import { l3List, l3ListInput } from "../lists";
import { L3ListPage } from "./L3ListPage";

export const metadata = { title: "L3 networks · virtfn" };

// Rendered on the server: the list is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/networks/l3">) {
  await requireRole("inventory.read");
  const input = l3ListInput(readListParams(searchParamGetter(await searchParams), l3List));
  const l3s = await settle("networks.l3.list", input, (api) => api.networks.l3.list(input));
  return <L3ListPage {...l3s} />;
}
