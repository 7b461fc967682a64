import { requireRole } from "~/app/(console)/guard";
import { FleetRolloutPage } from "./FleetRolloutPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Fleet split & restore · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return (
    <TRPCReactProvider>
      <FleetRolloutPage />
    </TRPCReactProvider>
  );
}
