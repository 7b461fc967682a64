import { requireRole } from "../../guard";
import { CreateVmPage } from "./CreateVmPage";

export const metadata = { title: "Create VM · virtfn" };

export default async function Page() {
  // Auditors read only; core refuses them too.
  await requireRole("vms.manage");
  return <CreateVmPage />;
}
