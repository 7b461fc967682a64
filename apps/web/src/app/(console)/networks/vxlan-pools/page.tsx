import { requireRole } from "~/app/(console)/guard";
import { VxlanPoolsPage } from "./VxlanPoolsPage";

export const metadata = { title: "VXLAN pools · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return <VxlanPoolsPage />;
}
