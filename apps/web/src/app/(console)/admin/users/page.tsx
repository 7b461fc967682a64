import { requireRole } from "~/app/(console)/guard";
import { UsersPage } from "./UsersPage";

export const metadata = { title: "Users · virtfn" };

export default async function Page() {
  const user = await requireRole("iam.read");
  return <UsersPage me={user.username} />;
}
