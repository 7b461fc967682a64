import { describe, expect, it } from "vitest";
import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { apiKeysInput, apiKeysList } from "./api-keys-list";

// The page reads its list input from the URL on the server: what a URL may ask for.

const apiKeysUrl = (params: Record<string, string>) =>
  readListParams(searchParamGetter(params), apiKeysList);

describe("apiKeysInput", () => {
  it("asks for every user's keys only for those who may see them", () => {
    expect(apiKeysInput(apiKeysUrl({ all: "1" }), false).all).toBe(false);
    expect(apiKeysInput(apiKeysUrl({ all: "1" }), true).all).toBe(true);
    expect(apiKeysInput(apiKeysUrl({}), true).all).toBe(false);
  });

  it("includes revoked keys when the URL says so, with the page's cursor and size", () => {
    expect(apiKeysInput(apiKeysUrl({ revoked: "1", cursor: "c1", limit: "50" }), false)).toEqual({
      cursor: "c1",
      limit: 50,
      all: false,
      includeRevoked: true,
    });
  });
});
