import { requireRole } from "~/app/(console)/guard";
import { VxlanPoolsPage } from "./VxlanPoolsPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "VXLAN pools · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return (
    <TRPCReactProvider>
      <VxlanPoolsPage />
    </TRPCReactProvider>
  );
}
