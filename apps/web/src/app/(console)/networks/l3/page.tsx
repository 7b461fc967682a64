import { requireRole } from "~/app/(console)/guard";
import { L3ListPage } from "./L3ListPage";

export const metadata = { title: "L3 networks · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return <L3ListPage />;
}
