import { requireRole } from "~/app/(console)/guard";
import { L3ListPage } from "./L3ListPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "L3 networks · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return (
    <TRPCReactProvider>
      <L3ListPage />
    </TRPCReactProvider>
  );
}
