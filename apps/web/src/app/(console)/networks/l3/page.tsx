import { requireRole } from "~/app/(console)/guard";
import { L3ListPage } from "./L3ListPage";

export const metadata = { title: "L3 networks · virtfn" };

export default async function Page() {
  await requireRole(["Admin", "Auditor"]);
  return <L3ListPage />;
}
