import { requireRole } from "~/app/(console)/guard";
import { l2Toggles } from "../toggles";
import { L2ListPage } from "./L2ListPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "L2 networks · virtfn" };

export default async function Page() {
  await requireRole("inventory.read");
  return (
    <TRPCReactProvider>
      <L2ListPage toggles={l2Toggles()} />
    </TRPCReactProvider>
  );
}
