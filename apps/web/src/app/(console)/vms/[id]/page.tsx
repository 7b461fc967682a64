import { can } from "@virtfn/core/can";
import { requireRole } from "~/app/(console)/guard";
import { VmDetailPage } from "./VmDetailPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "VM · virtfn" };

export default async function Page({ params }: PageProps<"/vms/[id]">) {
  const user = await requireRole();
  const { id } = await params;
  return (
    <TRPCReactProvider>
      <VmDetailPage vmId={id} readOnly={!can(user, "vms.manage")} />
    </TRPCReactProvider>
  );
}
