import { requireRole } from "~/app/(console)/guard";
import { FleetRolloutPage } from "./FleetRolloutPage";

export const metadata = { title: "Fleet split & restore · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return <FleetRolloutPage />;
}
