// The worker's own account of its reconciles in flight: the peak, and the time-weighted mean over
// the time any was in flight (idle time does not dilute it).
import { describe, expect, it } from "vitest";
import { createInFlightGauge } from "../src/reconciler/in-flight";

describe("the in-flight gauge", () => {
  it("keeps the peak and the mean weighted by how long each count lasted while busy", () => {
    let now = 0;
    const gauge = createInFlightGauge(() => now);
    now = 1000; // idle: not counted
    gauge.set(4);
    now = 2000; // 4 for 1000
    gauge.set(2);
    now = 5000; // 2 for 3000
    gauge.set(0);
    now = 9000; // idle again
    expect(gauge.stats()).toEqual({ peak: 4, mean: (4 * 1000 + 2 * 3000) / 4000 });
  });

  it("is zero for a worker that never reconciled", () => {
    const gauge = createInFlightGauge(() => 0);
    expect(gauge.stats()).toEqual({ peak: 0, mean: 0 });
  });
});
