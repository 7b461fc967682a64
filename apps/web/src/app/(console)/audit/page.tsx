import { requireRole } from "~/app/(console)/guard";
import { AuditPage } from "./AuditPage";

export const metadata = { title: "Audit log · virtfn" };

export default async function Page() {
  await requireRole("audit.read");
  return <AuditPage />;
}
