import { requireRole } from "~/app/(console)/guard";
import { listInput, readListParams, searchParamGetter } from "~/components/ui/list-params";
import { settle } from "~/trpc/server";
import { projectsList } from "./projects-list";
import { ProjectsPage } from "./ProjectsPage";

export const metadata = { title: "Projects · virtfn" };

// Rendered on the server: the list is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/admin/projects">) {
  await requireRole("iam.read");
  const input = listInput(readListParams(searchParamGetter(await searchParams), projectsList));
  const projects = await settle("iam.projects.list", input, (api) => api.iam.projects.list(input));
  return <ProjectsPage {...projects} />;
}
