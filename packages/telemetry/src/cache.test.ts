import { describe, expect, it } from "vitest";
import { cachedFor } from "./cache";

describe("cachedFor", () => {
  it("shares one read among concurrent and later callers within its window", async () => {
    let reads = 0;
    const read = cachedFor(60_000, () => Promise.resolve(++reads));
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    expect(await read()).toBe(1);
    expect(reads).toBe(1);
  });

  it("reads again once the window has passed, and never remembers a failure", async () => {
    let reads = 0;
    const fresh = cachedFor(0, () => Promise.resolve(++reads));
    await fresh();
    expect(await fresh()).toBe(2);
    let fail = true;
    const flaky = cachedFor(60_000, () =>
      fail ? Promise.reject(new Error("down")) : Promise.resolve("up"),
    );
    await expect(flaky()).rejects.toThrow("down");
    fail = false;
    expect(await flaky()).toBe("up");
  });
});
