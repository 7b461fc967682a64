// The replica test's clients: REST calls spread over the web replicas, retried on another one when
// a replica dies under them (the same Idempotency-Key, so a retry never makes a second operation),
// and lanes of VM lifecycles and PF splits whose operations the test follows to the end.
import { randomUUID } from "node:crypto";
import { createApiKey, type Actor } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import type { ServerErrorAnswer } from "./checks";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FINISHED = new Set(["Succeeded", "Failed", "Cancelled"]);

export interface ClientStats {
  requests: number;
  /** Attempts that found no server or lost it mid-request (a killed web replica). */
  connectionErrors: number;
  /** Attempts answered 5xx: a killed web gives no answer, so these came from a live one. */
  serverErrors: ServerErrorAnswer[];
  /** Attempts answered "a request with this Idempotency-Key is still running". */
  inProgress: number;
  rateLimited: number;
}

export const emptyStats = (): ClientStats => ({
  requests: 0,
  connectionErrors: 0,
  serverErrors: [],
  inProgress: 0,
  rateLimited: 0,
});

export interface RestAnswer {
  status: number;
  body: Record<string, unknown>;
  /** More than one attempt: an earlier one may have taken effect without its answer arriving. */
  retried: boolean;
}

function codeOf(body: Record<string, unknown>): string {
  return typeof body.code === "string" ? body.code : "";
}

/**
 * One REST call, tried on the web replicas in turn until one answers with something other than a
 * lost connection, a 5xx, a 429 or IDEMPOTENCY_IN_PROGRESS.
 */
export async function restCall(
  webUrls: string[],
  stats: ClientStats,
  request: {
    method: string;
    path: string;
    token: string;
    body?: unknown;
    idempotencyKey?: string;
    deadlineMs: number;
  },
): Promise<RestAnswer> {
  stats.requests += 1;
  const deadline = Date.now() + request.deadlineMs;
  let turn = Math.floor(Math.random() * webUrls.length);
  for (let attempt = 0; ; attempt += 1, turn += 1) {
    if (Date.now() > deadline)
      throw new Error(`${request.method} ${request.path}: no answer in ${request.deadlineMs} ms`);
    const url = `${webUrls[turn % webUrls.length]}/api/v1${request.path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${request.token}`,
          ...(request.body === undefined ? {} : { "content-type": "application/json" }),
          ...(request.idempotencyKey ? { "idempotency-key": request.idempotencyKey } : {}),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: AbortSignal.timeout(Math.max(1000, deadline - Date.now())),
      });
    } catch {
      stats.connectionErrors += 1;
      await sleep(200);
      continue;
    }
    // A replica killed while it sent the body: the answer is lost, like the connection.
    const text = await response.text().catch(() => null);
    let body: Record<string, unknown> | null = null;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = null;
    }
    // A 202 always carries its operation: one without it is an answer cut short (empty body
    // from a replica killed after its headers), and a retry with the same key replays the
    // stored one. A stored answer without an operation would fail the lane at its deadline.
    const operation = body?.operation as { id?: unknown } | undefined;
    if (body !== null && response.status === 202 && typeof operation?.id !== "string") body = null;
    if (body === null) {
      stats.connectionErrors += 1;
      await sleep(200);
      continue;
    }
    const retried = attempt > 0;
    if (response.status >= 500) {
      stats.serverErrors.push({
        status: response.status,
        code: codeOf(body),
        retryAfter: response.headers.get("retry-after"),
        request: `${request.method} ${request.path}`,
      });
      await sleep(500);
      continue;
    }
    if (response.status === 429) {
      stats.rateLimited += 1;
      await sleep(1000 * Number(response.headers.get("retry-after") ?? 1));
      continue;
    }
    if (response.status === 409 && codeOf(body) === "IDEMPOTENCY_IN_PROGRESS") {
      stats.inProgress += 1;
      await sleep(500);
      continue;
    }
    return { status: response.status, body, retried };
  }
}

export interface LaneOperation {
  lane: string;
  kind: string;
  /** Null: the request was refused (no operation), see `refusal`. */
  operationId: string | null;
  refusal: string | null;
  status: string | null;
}

export interface LoadContext {
  db: Db;
  webUrls: string[];
  stats: ClientStats;
  /** Every operation the lanes started or had refused, in the order they were asked for. */
  operations: LaneOperation[];
  /** How long one request may keep retrying, and one operation take to finish. */
  deadlineMs: number;
}

async function finished(db: Db, operationId: string, deadlineMs: number): Promise<string> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const row = await db.operation.findUnique({
      where: { id: operationId },
      select: { status: true },
    });
    if (row && FINISHED.has(row.status)) return row.status;
    if (Date.now() > deadline)
      throw new Error(`operation ${operationId} still ${row?.status} after ${deadlineMs} ms`);
    await sleep(200);
  }
}

/**
 * Asks for one operation and waits until it has finished. A retried request without an
 * Idempotency-Key (DELETE) may have started the operation on the replica that died: it is then
 * found by its kind and target.
 */
async function operate(
  ctx: LoadContext,
  lane: string,
  kind: string,
  targetId: string,
  request: { method: string; path: string; token: string; body?: unknown },
): Promise<LaneOperation & { body: Record<string, unknown> }> {
  const askedAt = new Date(Date.now() - 2000);
  const answer = await restCall(ctx.webUrls, ctx.stats, {
    ...request,
    ...(request.method === "POST" ? { idempotencyKey: randomUUID() } : {}),
    deadlineMs: ctx.deadlineMs,
  });
  const operation = answer.body.operation as { id?: unknown } | undefined;
  let operationId = typeof operation?.id === "string" ? operation.id : null;
  if (operationId === null && answer.retried) {
    const started = await ctx.db.operation.findFirst({
      where: { kind, targetId, createdAt: { gte: askedAt } },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    operationId = started?.id ?? null;
  }
  const record: LaneOperation = {
    lane,
    kind,
    operationId,
    refusal: operationId === null ? `${answer.status} ${codeOf(answer.body)}` : null,
    status: null,
  };
  ctx.operations.push(record);
  if (operationId !== null) record.status = await finished(ctx.db, operationId, ctx.deadlineMs);
  return { ...record, body: answer.body };
}

export interface VmLane {
  name: string;
  /** One API key per lifecycle, made beforehand (the test's per-key rate limit is low). */
  tokens: string[];
  projectId: string;
  offeringId: string;
  imageId: string;
  l3Id: string;
}

/** API keys for a lane's lifecycles, made before the load starts. */
export async function laneTokens(
  db: Db,
  tenant: Actor,
  projectId: string,
  lane: string,
  count: number,
): Promise<string[]> {
  const tokens: string[] = [];
  for (let n = 0; n < count; n += 1)
    tokens.push((await createApiKey(db, tenant, { name: `${lane}-${n}`, projectId })).token);
  return tokens;
}

/**
 * VM lifecycles one after the other, one per token: create (a VF NIC and a vNIC), stop, start,
 * reboot, delete; the last VM is kept running, so the end state has VFs held.
 */
export async function runVmLane(ctx: LoadContext, lane: VmLane): Promise<void> {
  for (const [n, token] of lane.tokens.entries()) {
    const created = await operate(ctx, lane.name, "vm.create", "", {
      method: "POST",
      path: "/vms",
      token,
      body: {
        projectId: lane.projectId,
        offeringId: lane.offeringId,
        imageId: lane.imageId,
        name: `${lane.name}-vm-${n}`,
        nics: [
          { l3Id: lane.l3Id, sriov: true },
          { l3Id: lane.l3Id, sriov: false, isDefault: true },
        ],
      },
    });
    const vm = created.body.vm as { id?: unknown } | undefined;
    if (typeof vm?.id !== "string") continue;
    const vmId = vm.id;
    if (created.status === "Succeeded") {
      for (const verb of ["stop", "start", "reboot"] as const) {
        await operate(ctx, lane.name, `vm.${verb}`, vmId, {
          method: "POST",
          path: `/vms/${vmId}/${verb}`,
          token,
        });
      }
    }
    if (n === lane.tokens.length - 1 && created.status === "Succeeded") return;
    await operate(ctx, lane.name, "vm.delete", vmId, {
      method: "DELETE",
      path: `/vms/${vmId}`,
      token,
    });
  }
}

/** An admin splitting and restoring PFs that no VM uses, while `keepGoing` says so. */
export async function runSplitLane(
  ctx: LoadContext,
  lane: { name: string; token: string; pfIds: string[]; vfs: number; keepGoing(): boolean },
): Promise<void> {
  for (let round = 0; lane.keepGoing(); round += 1) {
    const pfId = lane.pfIds[round % lane.pfIds.length] ?? "";
    await operate(ctx, lane.name, "pf.split", pfId, {
      method: "POST",
      path: `/pfs/${pfId}/split`,
      token: lane.token,
      body: { count: lane.vfs },
    });
    await operate(ctx, lane.name, "pf.restore", pfId, {
      method: "POST",
      path: `/pfs/${pfId}/restore`,
      token: lane.token,
      body: {},
    });
  }
}
