import { describe, expect, it } from "vitest";
import { recheckDelay } from "./handoff";

describe("recheckDelay: when a job looks at its agent task again", () => {
  it("before any item is done, waits as long again as the task has run: 100 ms, then doubling, up to 2 s", () => {
    const none = { done: 0, total: 63 };
    expect(recheckDelay(none, 0)).toBe(100);
    expect(recheckDelay(none, 100)).toBe(100);
    expect(recheckDelay(none, 200)).toBe(200);
    expect(recheckDelay(none, 400)).toBe(400);
    expect(recheckDelay(none, 1600)).toBe(1600);
    expect(recheckDelay(none, 60_000)).toBe(2000);
    // A task that counts nothing (total 0) has no rate either.
    expect(recheckDelay({ done: 0, total: 0 }, 800)).toBe(800);
  });

  it("once items are done, waits for the time the rest should take at the rate seen, between 50 ms and 2 s", () => {
    // 21 of 63 in 700 ms: the other 42 should take 1400 ms.
    expect(recheckDelay({ done: 21, total: 63 }, 700)).toBe(1400);
    expect(recheckDelay({ done: 62, total: 63 }, 620)).toBe(50);
    expect(recheckDelay({ done: 1, total: 63 }, 30_000)).toBe(2000);
  });
});
