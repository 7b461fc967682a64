import { describe, expect, it } from "vitest";
import { readListParams, searchParamGetter } from "~/components/ui/list-params";
import { vfsInput, vfsList } from "./vfs-list";

// The page reads its list input from the URL on the server: what a URL may ask for.

describe("vfsInput", () => {
  const vfsUrl = (params: Record<string, string>) =>
    vfsInput(readListParams(searchParamGetter(params), vfsList));

  it("passes a known state and the scope links' ids, and ignores an unknown state", () => {
    expect(vfsUrl({ state: "Attached", pf: "p", host: "h", l2: "n", q: "04:10.2" })).toEqual({
      cursor: undefined,
      limit: 50,
      q: "04:10.2",
      state: "Attached",
      hostId: "h",
      pfId: "p",
      l2Id: "n",
    });
    expect(vfsUrl({ state: "Gone" }).state).toBeUndefined();
  });
});
