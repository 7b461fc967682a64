import { readProjectScope } from "~/components/ui/read-project-scope";
import { wholePage } from "~/components/ui/whole-page";
import { settle } from "~/trpc/server";
import { requireRole } from "../guard";
import { SecurityGroupsPage } from "./SecurityGroupsPage";

export const metadata = { title: "Security groups · virtfn" };

// Rendered on the server for the project in the URL: its groups are in the first paint and the
// page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/security-groups">) {
  const user = await requireRole("netservices.manage");
  const scope = await readProjectScope(user, await searchParams);
  const { projectId } = scope;
  if (!projectId) return <SecurityGroupsPage scope={scope} groups={null} />;
  const input = { projectId };
  const groups = await settle("netservices.securityGroups.list", input, async (api) =>
    wholePage(await api.netservices.securityGroups.list(input)),
  );
  return <SecurityGroupsPage scope={scope} groups={groups} />;
}
