import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { settle } from "~/trpc/server";
import { requireRole } from "../guard";
import { operationsList, operationsListInput } from "./ops-list";
import { OperationsPage } from "./OperationsPage";

export const metadata = { title: "Operations · virtfn" };

// Rendered on the server: the list is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/operations">) {
  await requireRole();
  const param = searchParamGetter(await searchParams);
  const targetId = param("targetId") ?? undefined;
  const input = operationsListInput(readListParams(param, operationsList), targetId);
  const ops = await settle("operations.list", input, (api) => api.operations.list(input));
  return <OperationsPage targetId={targetId} {...ops} />;
}
