import { requireRole } from "../guard";
import { VmsPage } from "./VmsPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "VMs · virtfn" };

export default async function Page() {
  const user = await requireRole();
  return (
    <TRPCReactProvider>
      <VmsPage projectIds={user.projectIds} />
    </TRPCReactProvider>
  );
}
