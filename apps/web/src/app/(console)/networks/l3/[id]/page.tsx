import { requireRole } from "~/app/(console)/guard";
import { settle } from "~/trpc/server";
import { NetworkDetailPage } from "../../NetworkDetailParts";
import { L3Detail } from "./L3DetailPage";

export const metadata = { title: "L3 network · virtfn" };

// Rendered on the server: the L3 and its VF availability are in the first paint and the page
// loads no data layer. NetworkDetailPage renders it again while it is open.
export default async function Page({ params }: PageProps<"/networks/l3/[id]">) {
  await requireRole("inventory.read");
  const { id: l3Id } = await params;
  const [l3, availability] = await Promise.all([
    settle("networks.l3.get", { l3Id }, (api) => api.networks.l3.get({ l3Id })),
    settle("sriov.availability", { l3Id }, (api) => api.sriov.availability({ l3Id })),
  ]);
  return (
    <NetworkDetailPage
      kind="L3"
      id={l3Id}
      error={l3.error}
      view={l3.data ? <L3Detail l3={l3.data} availability={availability} /> : null}
    />
  );
}
