import { requireRole } from "~/app/(console)/guard";
import { settle } from "~/trpc/server";
import { LastShown } from "~/components/detail/LastShown";
import { LiveRefresh } from "~/components/LiveRefresh";
import { isActive } from "~/components/detail/operation-status";
import { isNotFound } from "~/components/ui/DetailGate";
import {
  FOLLOW_MS,
  OperationDetailView,
  OperationMissing,
  OPERATIONS,
} from "./OperationDetailPage";

export const metadata = { title: "Operation · virtfn" };

// Rendered on the server: the operation is in the first paint and the page loads no data layer;
// LiveRefresh renders it again while the operation runs (a failed refresh keeps it shown).
export default async function Page({ params }: PageProps<"/operations/[id]">) {
  await requireRole();
  const { id } = await params;
  const detail = await settle("operations.detail", { id }, (api) => api.operations.detail({ id }));
  const op = detail.data;
  return (
    <>
      {/* A running operation is followed; so is one whose read failed (not a missing one). */}
      {(op ? isActive(op) : !isNotFound(detail.error)) ? <LiveRefresh ms={FOLLOW_MS} /> : null}
      <LastShown
        itemKey={id}
        view={op ? <OperationDetailView op={op} /> : null}
        error={detail.error}
        noun="operation"
        list={OPERATIONS}
        missing={<OperationMissing />}
      />
    </>
  );
}
