import * as core from "@virtfn/core";
import { authedProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve } from "./serve";
import { apiKeysRouterOutputs } from "./outputs.generated";

export const apiKeysRouter = router({
  /** Any signed-in user: their own keys; admins and auditors every key with `all`. */
  list: authedProcedure
    .meta(rest("API keys", "GET /api-keys", "List API keys"))
    .input(core.listApiKeysInput)
    .output(apiKeysRouterOutputs.list)
    .query(serve(core.listApiKeys)),
  /** Any signed-in user. Returns the token once; only its SHA-256 is stored. */
  create: authedProcedure
    .meta(rest("API keys", "POST /api-keys", "Create an API key (the token is returned once)"))
    .input(core.createApiKeyInput)
    .output(apiKeysRouterOutputs.create)
    .mutation(serve(core.createApiKey)),
  /** The key's owner, or an admin. */
  revoke: authedProcedure
    .meta(rest("API keys", "DELETE /api-keys/:apiKeyId", "Revoke an API key"))
    .input(core.apiKeyIdInput)
    .output(apiKeysRouterOutputs.revoke)
    .mutation(serve(core.revokeApiKey)),
});
