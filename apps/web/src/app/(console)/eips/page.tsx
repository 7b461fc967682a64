import { requireRole } from "../guard";
import { EipsPage } from "./EipsPage";

export const metadata = { title: "EIPs · virtfn" };

export default async function Page() {
  const user = await requireRole("netservices.manage");
  return <EipsPage projectIds={user.projectIds} />;
}
