import { requireRole } from "~/app/(console)/guard";
import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { settle } from "~/trpc/server";
import { vfsInput, vfsList } from "./vfs-list";
import { VfsPage } from "./VfsPage";

export const metadata = { title: "Virtual functions · virtfn" };

// Rendered on the server: the VFs are in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/sriov/vfs">) {
  await requireRole("inventory.read");
  const input = vfsInput(readListParams(searchParamGetter(await searchParams), vfsList));
  const l2Input = { limit: 200, sriovEnabled: true };
  const [vfs, l2s] = await Promise.all([
    settle("sriov.vfs", input, (api) => api.sriov.vfs(input)),
    settle("networks.l2.list", l2Input, (api) => api.networks.l2.list(l2Input)),
  ]);
  const l2Options = (l2s.data?.items ?? []).map((n) => ({ value: n.id, label: n.name }));
  return <VfsPage {...vfs} l2Options={l2Options} />;
}
