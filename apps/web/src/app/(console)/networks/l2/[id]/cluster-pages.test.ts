import { describe, expect, it } from "vitest";
import {
  CLUSTER_AFTER_KEY,
  CLUSTER_LIMIT_KEY,
  clusterPagesQuery,
  readClusterPages,
} from "./cluster-pages";

// The L2 page's clusters are paged in the URL: what the panel writes, the server reads back.
describe("the L2 page's cluster pages in the URL", () => {
  const readBack = (query: string) => {
    const params = new URLSearchParams(query);
    return readClusterPages(params.get(CLUSTER_LIMIT_KEY), params.getAll(CLUSTER_AFTER_KEY));
  };

  it("reads back the page size and every cursor before the shown page, in order", () => {
    const pages = { limit: 50, cursors: ["c1", "c/2,x", "c3"] };
    expect(readBack(clusterPagesQuery(new URLSearchParams("tab=x"), pages))).toEqual(pages);
  });

  it("keeps the URL's other params and writes nothing for the first page at the default size", () => {
    const query = clusterPagesQuery(new URLSearchParams(`tab=x&${CLUSTER_AFTER_KEY}=old`), {
      limit: 25,
      cursors: [],
    });
    expect(query).toBe("tab=x");
    expect(readBack(query)).toEqual({ limit: 25, cursors: [] });
  });

  it("ignores a page size the lists do not offer", () => {
    expect(readClusterPages("7", []).limit).toBe(25);
    expect(readClusterPages(undefined, []).limit).toBe(25);
  });
});
