import { requireRole } from "~/app/(console)/guard";
import { listInput, readListParams, searchParamGetter } from "~/components/ui/list-params";
import { settle } from "~/trpc/server";
import { roles, usersList } from "./roles";
import { UsersPage } from "./UsersPage";

export const metadata = { title: "Users · virtfn" };

// Rendered on the server: the list is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/admin/users">) {
  const user = await requireRole("iam.read");
  const params = readListParams(searchParamGetter(await searchParams), usersList);
  const input = { ...listInput(params), role: roles.find((r) => r === params.filters.role) };
  const users = await settle("iam.users.list", input, (api) => api.iam.users.list(input));
  return <UsersPage me={user.username} {...users} />;
}
