import { requireRole } from "../guard";
import { SecurityGroupsPage } from "./SecurityGroupsPage";

export const metadata = { title: "Security groups · virtfn" };

export default async function Page() {
  await requireRole("netservices.manage");
  return <SecurityGroupsPage />;
}
