import { describe, expect, it } from "vitest";
import { vfAllocationRatio } from "./fleet";

describe("vfAllocationRatio", () => {
  it("counts Reserved, Attached and Releasing as used, over VFs that exist (not Missing)", () => {
    expect(
      vfAllocationRatio([
        { state: "Available", count: 5 },
        { state: "Reserved", count: 1 },
        { state: "Attached", count: 3 },
        { state: "Releasing", count: 1 },
        { state: "Missing", count: 90 },
      ]),
    ).toBe(0.5);
  });

  it("is 0 for a network without VFs, and never divides by zero", () => {
    expect(vfAllocationRatio([])).toBe(0);
    expect(vfAllocationRatio([{ state: "Missing", count: 4 }])).toBe(0);
  });
});
