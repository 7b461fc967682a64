import { HostDetailPage } from "./HostDetailPage";
import { requireRole } from "~/app/(console)/guard";
import { TRPCReactProvider } from "~/trpc/react";

export default async function Page({ params }: PageProps<"/hosts/[id]">) {
  await requireRole("inventory.read");
  const { id } = await params;
  return (
    <TRPCReactProvider>
      <HostDetailPage hostId={id} />
    </TRPCReactProvider>
  );
}
