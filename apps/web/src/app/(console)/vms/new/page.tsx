import { requireRole } from "../../guard";
import { CreateVmPage } from "./CreateVmPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Create VM · virtfn" };

export default async function Page() {
  // Auditors read only; core refuses them too.
  await requireRole("vms.manage");
  return (
    <TRPCReactProvider>
      <CreateVmPage />
    </TRPCReactProvider>
  );
}
