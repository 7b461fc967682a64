import {
  apiKeyIdInput,
  createApiKey,
  createApiKeyInput,
  listApiKeys,
  listApiKeysInput,
  revokeApiKey,
} from "@virtfn/core";
import { authedProcedure, router } from "../trpc";
import { apiKeysRouterOutputs } from "./outputs.generated";

export const apiKeysRouter = router({
  /** Any signed-in user: their own keys; admins and auditors every key with `all`. */
  list: authedProcedure
    .meta({ rest: { route: "GET /api-keys", tag: "API keys", summary: "List API keys" } })
    .input(listApiKeysInput)
    .output(apiKeysRouterOutputs.list)
    .query(({ ctx, input }) => listApiKeys(ctx.db, ctx.actor, input)),
  /** Any signed-in user. Returns the token once; only its SHA-256 is stored. */
  create: authedProcedure
    .meta({
      rest: {
        route: "POST /api-keys",
        tag: "API keys",
        summary: "Create an API key (the token is returned once)",
      },
    })
    .input(createApiKeyInput)
    .output(apiKeysRouterOutputs.create)
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.actor, input)),
  /** The key's owner, or an admin. */
  revoke: authedProcedure
    .meta({
      rest: { route: "DELETE /api-keys/:apiKeyId", tag: "API keys", summary: "Revoke an API key" },
    })
    .input(apiKeyIdInput)
    .output(apiKeysRouterOutputs.revoke)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.actor, input)),
});
