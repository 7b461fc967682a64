import {
  apiKeyIdInput,
  createApiKey,
  createApiKeyInput,
  listApiKeys,
  listApiKeysInput,
  revokeApiKey,
} from "@virtfn/core";
import { authedProcedure, router } from "../trpc";

export const apiKeysRouter = router({
  /** Any signed-in user: their own keys; admins and auditors every key with `all`. */
  list: authedProcedure
    .input(listApiKeysInput)
    .query(({ ctx, input }) => listApiKeys(ctx.db, ctx.actor, input)),
  /** Any signed-in user. Returns the token once; only its SHA-256 is stored. */
  create: authedProcedure
    .input(createApiKeyInput)
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.actor, input)),
  /** The key's owner, or an admin. */
  revoke: authedProcedure
    .input(apiKeyIdInput)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.actor, input)),
});
