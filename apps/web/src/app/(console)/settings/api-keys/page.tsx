import { requireRole } from "~/app/(console)/guard";
import { ApiKeysPage } from "./ApiKeysPage";

export const metadata = { title: "API keys · virtfn" };

export default async function Page() {
  const user = await requireRole();
  return <ApiKeysPage role={user.role} />;
}
