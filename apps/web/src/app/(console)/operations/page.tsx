import { requireRole } from "../guard";
import { OperationsPage } from "./OperationsPage";

export const metadata = { title: "Operations · virtfn" };

export default async function Page({ searchParams }: PageProps<"/operations">) {
  await requireRole();
  const { targetId } = await searchParams;
  return <OperationsPage targetId={typeof targetId === "string" ? targetId : undefined} />;
}
