import { requireRole } from "~/app/(console)/guard";
import { HostsPage } from "./HostsPage";

export const metadata = { title: "Hosts · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return <HostsPage />;
}
