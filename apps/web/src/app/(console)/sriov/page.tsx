import { requireRole } from "~/app/(console)/guard";
import { SriovOverviewPage } from "./SriovOverviewPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "SR-IOV overview · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return (
    <TRPCReactProvider>
      <SriovOverviewPage />
    </TRPCReactProvider>
  );
}
