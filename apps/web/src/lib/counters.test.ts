import { afterEach, describe, expect, it, vi } from "vitest";
import { countTotal, perSecond } from "./counters";

// A server-rendered page is hydrated against the browser's render: a number grouped by the
// runtime's own locale would read "1.235" in a German browser and "1,235" on the server.
describe("counter numbers do not depend on the runtime's locale", () => {
  afterEach(() => vi.restoreAllMocks());

  it("groups thousands the same wherever it runs", () => {
    // As if the runtime's default locale were de-DE.
    vi.spyOn(Number.prototype, "toLocaleString").mockReturnValue("1.235");
    expect(perSecond(1234.5)).toBe("1,235/s");
    expect(countTotal(1234)).toBe("1,234");
    expect(perSecond(null)).toBe("—");
  });
});
