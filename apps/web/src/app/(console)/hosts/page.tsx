import { requireRole } from "~/app/(console)/guard";
import { HostsPage } from "./HostsPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Hosts · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return (
    <TRPCReactProvider>
      <HostsPage />
    </TRPCReactProvider>
  );
}
