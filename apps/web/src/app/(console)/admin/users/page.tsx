import { requireRole } from "~/app/(console)/guard";
import { UsersPage } from "./UsersPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Users · virtfn" };

export default async function Page() {
  const user = await requireRole("iam.read");
  return (
    <TRPCReactProvider>
      <UsersPage me={user.username} />
    </TRPCReactProvider>
  );
}
