import * as core from "@virtfn/core";
import { apiKeysRouterOutputs } from "./outputs.generated";
import { serviceRouter, signedIn } from "./service-router";

export const apiKeysRouter = serviceRouter("API keys", apiKeysRouterOutputs, {
  /** Any signed-in user: their own keys; admins and auditors every key with `all`. */
  list: signedIn({
    route: "GET /api-keys",
    summary: "List API keys",
    input: core.listApiKeysInput,
    service: core.listApiKeys,
  }),
  /** Any signed-in user. Returns the token once; only its SHA-256 is stored. */
  create: signedIn({
    route: "POST /api-keys",
    summary: "Create an API key (the token is returned once)",
    input: core.createApiKeyInput,
    service: core.createApiKey,
  }),
  /** The key's owner, or an admin. */
  revoke: signedIn({
    route: "DELETE /api-keys/:apiKeyId",
    summary: "Revoke an API key",
    input: core.apiKeyIdInput,
    service: core.revokeApiKey,
  }),
});
