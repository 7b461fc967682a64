import { can } from "@virtfn/core/can";
import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { serverApi, settle } from "~/trpc/server";
import { requireRole } from "../guard";
import { vmsList, vmsListInput } from "./vms-list";
import { VmsPage } from "./VmsPage";

export const metadata = { title: "VMs · virtfn" };

// Rendered on the server: the list is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/vms">) {
  const user = await requireRole();
  const input = vmsListInput(readListParams(searchParamGetter(await searchParams), vmsList));
  const api = await serverApi();
  const projectsInput = { limit: 1 };
  const [vms, canCreate] = await Promise.all([
    settle("vms.list", input, () => api.vms.list(input)),
    // "Create VM" is offered to those who may change VMs in at least one project they see.
    can(user, "vms.manage")
      ? api.iam.projects.list(projectsInput).then(
          (page) => page.items.length > 0,
          () => false,
        )
      : false,
  ]);
  return <VmsPage projectIds={user.projectIds} canCreate={canCreate} {...vms} />;
}
