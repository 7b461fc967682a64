import { requireRole } from "~/app/(console)/guard";
import { VfsPage } from "./VfsPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Virtual functions · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return (
    <TRPCReactProvider>
      <VfsPage />
    </TRPCReactProvider>
  );
}
