import { requireRole } from "~/app/(console)/guard";
import { L2DetailPage } from "./L2DetailPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "L2 network · virtfn" };

export default async function Page({ params }: PageProps<"/networks/l2/[id]">) {
  await requireRole("inventory.read");
  const { id } = await params;
  return (
    <TRPCReactProvider>
      <L2DetailPage l2Id={id} />
    </TRPCReactProvider>
  );
}
