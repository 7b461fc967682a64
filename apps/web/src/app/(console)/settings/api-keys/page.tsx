import { can } from "@virtfn/core/can";
import { requireRole } from "~/app/(console)/guard";
import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { settle } from "~/trpc/server";
import { apiKeysInput, apiKeysList } from "./api-keys-list";
import { ApiKeysPage } from "./ApiKeysPage";

export const metadata = { title: "API keys · virtfn" };

// Rendered on the server: the list is in the first paint and the page loads no data layer.
export default async function Page({ searchParams }: PageProps<"/settings/api-keys">) {
  const user = await requireRole("self.manage");
  const params = readListParams(searchParamGetter(await searchParams), apiKeysList);
  // core shows those who read the inventory every key; others their own.
  const input = apiKeysInput(params, can(user, "inventory.read"));
  const keys = await settle("apiKeys.list", input, (api) => api.apiKeys.list(input));
  return <ApiKeysPage {...keys} showsAll={input.all} />;
}
