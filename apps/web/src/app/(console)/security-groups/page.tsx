import { requireRole } from "../guard";
import { SecurityGroupsPage } from "./SecurityGroupsPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Security groups · virtfn" };

export default async function Page() {
  await requireRole("netservices.manage");
  return (
    <TRPCReactProvider>
      <SecurityGroupsPage />
    </TRPCReactProvider>
  );
}
