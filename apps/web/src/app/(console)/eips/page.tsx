import { requireRole } from "../guard";
import { EipsPage } from "./EipsPage";

export const metadata = { title: "EIPs · virtfn" };

export default async function Page() {
  const user = await requireRole(["Admin", "Tenant"]);
  return <EipsPage projectIds={user.projectIds} />;
}
