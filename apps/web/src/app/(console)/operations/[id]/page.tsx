import { requireRole } from "~/app/(console)/guard";
import { serverApi, settle } from "~/trpc/server";
import { OperationDetailPage } from "./OperationDetailPage";

export const metadata = { title: "Operation · virtfn" };

// Rendered on the server: the operation is in the first paint and the page loads no data layer;
// OperationDetailPage refreshes it while the operation runs.
export default async function Page({ params }: PageProps<"/operations/[id]">) {
  await requireRole();
  const { id } = await params;
  const api = await serverApi();
  const detail = await settle("operations.detail", { id }, () => api.operations.detail({ id }));
  return <OperationDetailPage operationId={id} {...detail} />;
}
