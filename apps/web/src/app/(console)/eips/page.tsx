import { readProjectScope } from "~/components/ui/read-project-scope";
import { wholePage } from "~/components/ui/whole-page";
import { serverApi, settle } from "~/trpc/server";
import { requireRole } from "../guard";
import { EipsPage } from "./EipsPage";

export const metadata = { title: "EIPs · virtfn" };

// Rendered on the server for the project in the URL: its EIPs (and the L3 networks they come from)
// are in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/eips">) {
  const user = await requireRole("netservices.manage");
  const scope = await readProjectScope(user, await searchParams);
  const { projectId } = scope;
  if (!projectId) return <EipsPage scope={scope} eips={null} networks={[]} />;
  const api = await serverApi();
  const input = { projectId };
  const [eips, networks] = await Promise.all([
    settle("netservices.eips.list", input, async () =>
      wholePage(await api.netservices.eips.list(input)),
    ),
    // Names for the rows and the allocate form's choices; without them the rows say "—".
    api.vms.createOptions(input).then(
      (l3s) => l3s.map(({ l3Id, name, category }) => ({ l3Id, name, category })),
      () => [],
    ),
  ]);
  return <EipsPage scope={scope} eips={eips} networks={networks} />;
}
