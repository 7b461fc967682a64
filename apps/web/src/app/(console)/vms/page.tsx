import { requireRole } from "../guard";
import { VmsPage } from "./VmsPage";

export const metadata = { title: "VMs · virtfn" };

export default async function Page() {
  const user = await requireRole();
  return <VmsPage projectIds={user.projectIds} />;
}
