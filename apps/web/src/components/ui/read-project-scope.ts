// Server only: the project a project-scoped page (EIPs, security groups) shows, from the URL's
// ?project= among the projects the user may create resources in (iam.projects.list, which core
// narrows to a tenant's own); the first until one is picked. Those who may not change VMs
// (auditors) get none.
import { can } from "@virtfn/core/can";
import { settle } from "~/trpc/server";
import { searchParamGetter, type PageSearchParams } from "./list-params";
import { PROJECT_PARAM, type ProjectScope } from "./project-scope";

export async function readProjectScope(
  /** The signed-in user (requireRole's answer): who may create resources. */
  user: Parameters<typeof can>[0],
  searchParams: PageSearchParams,
): Promise<ProjectScope> {
  if (!can(user, "vms.manage")) return { projects: [], projectId: "", error: null };
  const input = { limit: 200, sort: "name" as const, order: "asc" as const };
  const read = await settle("iam.projects.list", input, (api) => api.iam.projects.list(input));
  const projects = (read.data?.items ?? []).map((p) => ({ id: p.id, name: p.name }));
  const asked = searchParamGetter(searchParams)(PROJECT_PARAM);
  const projectId = projects.find((p) => p.id === asked)?.id ?? projects[0]?.id ?? "";
  return { projects, projectId, error: read.error };
}
