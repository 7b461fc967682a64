import { requireRole } from "~/app/(console)/guard";
import { L3DetailPage } from "./L3DetailPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "L3 network · virtfn" };

export default async function Page({ params }: PageProps<"/networks/l3/[id]">) {
  await requireRole("inventory.read");
  const { id } = await params;
  return (
    <TRPCReactProvider>
      <L3DetailPage l3Id={id} />
    </TRPCReactProvider>
  );
}
