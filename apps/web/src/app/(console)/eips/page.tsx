import { requireRole } from "../guard";
import { EipsPage } from "./EipsPage";

export const metadata = { title: "EIPs · virtfn" };

export default async function Page() {
  await requireRole("netservices.manage");
  return <EipsPage />;
}
