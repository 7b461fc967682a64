/** The API keys list's URL params, read alike by the page (server) and ApiKeysPage (browser). */
export const apiKeysList = { filters: ["all", "revoked"] as const };

/** apiKeys.list's input for the URL's filters: every user's keys only for those who may see them. */
export function apiKeysInput(
  list: {
    cursor: string | undefined;
    limit: number;
    filters: Record<"all" | "revoked", string | undefined>;
  },
  canSeeAll: boolean,
) {
  return {
    cursor: list.cursor,
    limit: list.limit,
    all: canSeeAll && list.filters.all === "1",
    includeRevoked: list.filters.revoked === "1",
  };
}
