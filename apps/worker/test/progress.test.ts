import { describe, expect, it } from "vitest";
import { batchedProgress, type ProgressReport } from "../src/jobs/progress";

function recorder(intervalMs = 60_000) {
  const writes: Array<Record<string, ProgressReport>> = [];
  const sink = batchedProgress(
    async (reports) => {
      writes.push(Object.fromEntries(reports));
    },
    intervalMs,
    () => undefined,
  );
  return { writes, sink };
}

describe("progress writes are coalesced", () => {
  it("a burst of progress ticks becomes one write of the last figure, its counts as data", async () => {
    const { writes, sink } = recorder();
    for (let i = 1; i <= 100; i++)
      sink.report("op-a", {
        percent: i,
        message: `${i}/100 VF changes`,
        figures: { phase: "vfChanges", done: i, total: 100 },
      });
    expect(writes).toEqual([]);
    await sink.flush();
    expect(writes).toEqual([
      {
        "op-a": {
          percent: 100,
          message: "100/100 VF changes",
          figures: { phase: "vfChanges", done: 100, total: 100 },
        },
      },
    ]);
    await sink.flush();
    expect(writes).toHaveLength(1);
  });

  it("the reports of many operations in one interval go out as one write, each operation's last", async () => {
    const { writes, sink } = recorder();
    for (let step = 1; step <= 3; step++)
      for (const op of ["op-a", "op-b", "op-c"])
        sink.report(op, { percent: step * 10, message: `${op} step ${step}`, figures: null });
    await sink.flush();
    expect(writes).toHaveLength(1);
    expect(writes[0]).toEqual({
      "op-a": { percent: 30, message: "op-a step 3", figures: null },
      "op-b": { percent: 30, message: "op-b step 3", figures: null },
      "op-c": { percent: 30, message: "op-c step 3", figures: null },
    });
  });

  it("a report without figures clears them: the last report wins whole, not merged", async () => {
    const { writes, sink } = recorder();
    sink.report("op-a", {
      percent: 50,
      message: "Splitting",
      figures: { phase: "vfChanges", done: 3, total: 8 },
    });
    sink.report("op-a", {
      percent: 95,
      message: "Reading the VFs the host reports",
      figures: null,
    });
    await sink.flush();
    expect(writes).toEqual([
      { "op-a": { percent: 95, message: "Reading the VFs the host reports", figures: null } },
    ]);
  });

  it("a short operation writes no progress at all: settle drops what waits for it, not the others'", async () => {
    const { writes, sink } = recorder();
    sink.report("op-a", { percent: 10, message: "Contacting the agent", figures: null });
    sink.report("op-b", { percent: 40, message: "Splitting", figures: null });
    sink.report("op-a", { percent: 60, message: "Reading physical NICs", figures: null });
    await sink.settle("op-a");
    await sink.flush();
    expect(writes).toEqual([{ "op-b": { percent: 40, message: "Splitting", figures: null } }]);
  });

  it("settle waits for a write under way, so the final status is written after it", async () => {
    let release = () => undefined as void;
    const order: string[] = [];
    const sink = batchedProgress(
      async () => {
        order.push("progress write started");
        await new Promise<void>((resolve) => (release = resolve));
        order.push("progress write done");
      },
      60_000,
      () => undefined,
    );
    sink.report("op-a", { percent: 50, message: "Splitting", figures: null });
    void sink.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const settled = sink.settle("op-a").then(() => order.push("settled"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["progress write started"]);
    release();
    await settled;
    expect(order).toEqual(["progress write started", "progress write done", "settled"]);
  });

  it("writes what waits once the interval ends, without a flush, and a failed write is logged", async () => {
    const writes: number[] = [];
    const logged: string[] = [];
    let fail = true;
    const sink = batchedProgress(
      async (reports) => {
        if (fail) {
          fail = false;
          throw new Error("database gone");
        }
        writes.push(...[...reports.values()].map((report) => report.percent));
      },
      10,
      (line) => logged.push(line),
    );
    sink.report("op-a", { percent: 30, message: "a", figures: null });
    await new Promise((resolve) => setTimeout(resolve, 100));
    sink.report("op-a", { percent: 40, message: "b", figures: null });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logged).toEqual(["progress write failed: database gone"]);
    expect(writes).toEqual([40]);
  });
});
