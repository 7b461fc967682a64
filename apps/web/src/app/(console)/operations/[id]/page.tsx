import { requireRole } from "~/app/(console)/guard";
import { OperationDetailPage } from "./OperationDetailPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Operation · virtfn" };

export default async function Page({ params }: PageProps<"/operations/[id]">) {
  await requireRole();
  const { id } = await params;
  return (
    <TRPCReactProvider>
      <OperationDetailPage operationId={id} />
    </TRPCReactProvider>
  );
}
