import { requireRole } from "~/app/(console)/guard";
import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { settle } from "~/trpc/server";
import { l2List, l2ListInput } from "../lists";
import { l2Toggles } from "../toggles";
import { L2ListPage } from "./L2ListPage";

export const metadata = { title: "L2 networks · virtfn" };

// Rendered on the server: the list is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/networks/l2">) {
  await requireRole("inventory.read");
  const input = l2ListInput(readListParams(searchParamGetter(await searchParams), l2List));
  const l2s = await settle("networks.l2.list", input, (api) => api.networks.l2.list(input));
  return <L2ListPage toggles={l2Toggles()} {...l2s} />;
}
