import { requireRole } from "../guard";
import { OperationsPage } from "./OperationsPage";
import { TRPCReactProvider } from "~/trpc/react";

export const metadata = { title: "Operations · virtfn" };

export default async function Page({ searchParams }: PageProps<"/operations">) {
  await requireRole();
  const { targetId } = await searchParams;
  return (
    <TRPCReactProvider>
      <OperationsPage targetId={typeof targetId === "string" ? targetId : undefined} />
    </TRPCReactProvider>
  );
}
