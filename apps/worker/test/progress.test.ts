import { describe, expect, it } from "vitest";
import { throttledProgress } from "../src/jobs/progress";

function recorder() {
  const writes: Array<[number, string]> = [];
  const sink = throttledProgress(
    async (percent, message) => {
      writes.push([percent, message]);
    },
    60_000,
    () => undefined,
  );
  return { writes, sink };
}

describe("progress writes are coalesced", () => {
  it("a burst of progress ticks becomes one write of the last figure", async () => {
    const { writes, sink } = recorder();
    for (let i = 1; i <= 100; i++) sink.report(i, `${i}/100 VF changes`);
    expect(writes).toEqual([]);
    await sink.flush();
    expect(writes).toEqual([[100, "100/100 VF changes"]]);
    await sink.flush();
    expect(writes).toHaveLength(1);
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
      async (percent) => {
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
