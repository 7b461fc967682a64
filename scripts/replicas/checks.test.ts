// The replica test's count of reconcile passes: one pass per reconcile claim, whatever calls and
// retries it made, and a second claim within a period is flagged even while the first is at it.
import { describe, expect, it } from "vitest";
import type { ObservedCall } from "@virtfn/agent";
import {
  reconcilesPerPeriod,
  serverErrorKinds,
  unexpectedServerErrors,
  type ServerErrorAnswer,
} from "./checks";

const PERIOD_MS = 3000;

function call(claim: string | null, startedAt: number, endedAt: number): ObservedCall {
  return {
    host: "h",
    method: "GET",
    path: "/v1/snapshot/since/none",
    operationId: null,
    reconcileClaim: claim,
    startedAt,
    endedAt,
    status: 200,
  };
}

const check = (calls: ObservedCall[]) => reconcilesPerPeriod(calls, ["h"], PERIOD_MS, 0.1);

describe("reconcilesPerPeriod", () => {
  it("counts a claim's calls and retries as one pass, and passes a period apart as passes", () => {
    const result = check([
      call("w1/1", 0, 100),
      // The same pass retrying its read, right after the first attempt ended.
      call("w1/1", 150, 200),
      call("w2/2", 200 + PERIOD_MS, 300 + PERIOD_MS),
      { ...call(null, 400 + PERIOD_MS, 450 + PERIOD_MS), operationId: "an-operation" },
    ]);
    expect(result.passes.get("h")).toBe(2);
    expect(result.tooSoon).toEqual([]);
  });

  it("does not count the VF counter collector's reads as passes, but an unclaimed snapshot read", () => {
    const counters = { ...call(null, 300, 320), path: "/v1/vf-counters" };
    expect(check([call("w1/1", 0, 100), counters]).tooSoon).toEqual([]);
    expect(check([call("w1/1", 0, 100), call(null, 300, 320)]).tooSoon).toHaveLength(1);
  });

  it("flags a second claim within a period, after the first ended or while it is still at it", () => {
    const after = check([call("w1/1", 0, 100), call("w2/2", 600, 700)]);
    expect(after.passes.get("h")).toBe(2);
    expect(after.tooSoon).toEqual([
      "h: pass w2/2 at 1970-01-01T00:00:00.600Z, 500 ms after pass w1/1 ended",
    ]);
    const during = check([call("w1/1", 0, 5000), call("w2/2", 600, 700)]);
    expect(during.tooSoon).toEqual([
      "h: pass w2/2 at 1970-01-01T00:00:00.600Z, while pass w1/1 was still at it",
    ]);
  });
});

describe("the replica clients' 5xx answers", () => {
  const answer = (status: number, code: string, retryAfter: string | null): ServerErrorAnswer => ({
    status,
    code,
    retryAfter,
    request: "POST /pfs/p/split",
  });

  it("allow only a 503 with a code and Retry-After: a 500, or a 503 missing either, is a bug", () => {
    const busy = answer(503, "DATABASE_UNAVAILABLE", "5");
    const internal = answer(500, "INTERNAL", null);
    const bare503 = answer(503, "", "5");
    const noRetryAfter = answer(503, "DATABASE_BUSY", null);
    expect(unexpectedServerErrors([busy, internal, bare503, noRetryAfter, busy])).toEqual([
      internal,
      bare503,
      noRetryAfter,
    ]);
  });

  it("are counted by status, code and Retry-After, most first", () => {
    expect(
      serverErrorKinds([
        answer(500, "INTERNAL", null),
        answer(503, "DATABASE_UNAVAILABLE", "5"),
        answer(503, "DATABASE_UNAVAILABLE", "5"),
      ]),
    ).toEqual(["503 DATABASE_UNAVAILABLE retry-after 5 ×2", "500 INTERNAL retry-after none ×1"]);
  });
});
