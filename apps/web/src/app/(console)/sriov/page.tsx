import { requireRole } from "~/app/(console)/guard";
import { SriovOverviewPage } from "./SriovOverviewPage";

export const metadata = { title: "SR-IOV overview · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return <SriovOverviewPage />;
}
