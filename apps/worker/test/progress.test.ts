import { describe, expect, it } from "vitest";
import { throttledProgress, type ProgressReport } from "../src/jobs/progress";

function recorder() {
  const writes: ProgressReport[] = [];
  const sink = throttledProgress(
    async (report) => {
      writes.push(report);
    },
    60_000,
    () => undefined,
  );
  return { writes, sink };
}

describe("progress writes are coalesced", () => {
  it("a burst of progress ticks becomes one write of the last figure, its counts as data", async () => {
    const { writes, sink } = recorder();
    for (let i = 1; i <= 100; i++)
      sink.report(i, `${i}/100 VF changes`, { phase: "vfChanges", done: i, total: 100 });
    expect(writes).toEqual([]);
    await sink.flush();
    expect(writes).toEqual([
      {
        percent: 100,
        message: "100/100 VF changes",
        figures: { phase: "vfChanges", done: 100, total: 100 },
      },
    ]);
    await sink.flush();
    expect(writes).toHaveLength(1);
  });

  it("a report without figures clears them: the last write wins whole, not merged", async () => {
    const { writes, sink } = recorder();
    sink.report(50, "Splitting", { phase: "vfChanges", done: 3, total: 8 });
    sink.report(95, "Reading the VFs the host reports");
    await sink.flush();
    expect(writes).toEqual([
      { percent: 95, message: "Reading the VFs the host reports", figures: null },
    ]);
  });

  it("a short operation writes no progress at all: cancel drops what waits", async () => {
    const { writes, sink } = recorder();
    sink.report(10, "Contacting the agent");
    sink.report(60, "Reading physical NICs");
    await sink.cancel();
    await sink.flush();
    expect(writes).toEqual([]);
  });

  it("writes the waiting figure once the interval ends, without a flush", async () => {
    const writes: number[] = [];
    const sink = throttledProgress(
      async ({ percent }) => {
        writes.push(percent);
      },
      10,
      () => undefined,
    );
    sink.report(30, "a");
    sink.report(40, "b");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(writes).toEqual([40]);
  });
});
