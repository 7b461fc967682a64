import { can } from "@virtfn/core/can";
import { requireRole } from "../guard";
import { InventoryPage } from "./InventoryPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Zones & clusters · virtfn" };

export default async function Page() {
  const user = await requireRole("inventory.read");
  return (
    <TRPCReactProvider>
      <InventoryPage canEdit={can(user, "inventory.manage")} />
    </TRPCReactProvider>
  );
}
