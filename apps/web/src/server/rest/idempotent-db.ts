// The database handle an idempotent POST runs with: every top-level transaction the request's
// procedure commits also stores, in that same commit, the answer the request would give with its
// result. If the request then cannot answer (the database went away after COMMIT, the process
// died), a retry with the same Idempotency-Key replays what was created instead of creating it
// twice. The handler overwrites this provisional answer with the final one when it can.
import { ADDS_TO_EACH_COMMIT, finishIdempotentRequest, type IdempotencyRef } from "@virtfn/core";
import type { Db, Prisma } from "@virtfn/db";

export interface ProvisionalAnswer {
  status: number;
  body: Prisma.InputJsonValue;
  location: string | null;
}

export function idempotentDb(
  db: Db,
  ref: IdempotencyRef,
  answerFor: (result: unknown) => ProvisionalAnswer,
): Db {
  const transaction: Db["$transaction"] = ((arg: unknown, options?: unknown) => {
    if (typeof arg !== "function") {
      return (db.$transaction as (a: unknown, o?: unknown) => Promise<unknown>)(arg, options);
    }
    const body = arg as (tx: unknown) => Promise<unknown>;
    return (db.$transaction as (a: unknown, o?: unknown) => Promise<unknown>)(
      async (tx: Parameters<Parameters<Db["$transaction"]>[0]>[0]) => {
        const result = await body(tx);
        await finishIdempotentRequest(tx, { ...ref, ...answerFor(result) });
        return result;
      },
      options,
    );
  }) as Db["$transaction"];
  return new Proxy(db, {
    get(target, property) {
      if (property === "$transaction") return transaction;
      // A one-statement command (runOneStatement) then runs in $transaction, to add the answer.
      if (property === ADDS_TO_EACH_COMMIT) return true;
      const value = Reflect.get(target, property, target) as unknown;
      // The client's own methods keep the client (not the proxy) as `this`.
      return typeof value === "function" ? (value as () => unknown).bind(target) : value;
    },
  });
}

type Json = Prisma.InputJsonValue;

/** `id`, `name` and `status` only: never secrets or hashes that the procedure would not return. */
function identity(value: unknown): Record<string, Json> | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  if (typeof record.id !== "string") return null;
  const out: Record<string, Json> = { id: record.id };
  for (const key of ["name", "status", "kind"]) {
    const field = record[key];
    if (typeof field === "string") out[key] = field;
  }
  return out;
}

/**
 * What a replay answers when the request committed but never stored its real answer: the ids of
 * what it created (the object itself and any nested one such as `vm` or `operation`), enough to
 * look them up, and 202 with the operation's Location for long-running work.
 */
export function provisionalAnswer(
  result: unknown,
  longRunning: boolean,
  operationsPath: string,
): ProvisionalAnswer {
  const body: Record<string, Json> = { ...(identity(result) ?? {}) };
  if (result && typeof result === "object" && !Array.isArray(result)) {
    for (const [key, value] of Object.entries(result as Record<string, unknown>)) {
      const nested = identity(value);
      if (nested) body[key] = nested;
    }
  }
  const operation = body.operation as { id?: unknown } | undefined;
  const operationId = longRunning && typeof operation?.id === "string" ? operation.id : null;
  return {
    status: operationId ? 202 : 200,
    body,
    location: operationId ? `${operationsPath}/${operationId}` : null,
  };
}

/** VIRTFN_IDEMPOTENCY_LEASE_MS overrides how long a running request holds its key (tests). */
export function idempotencyLeaseMs(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = Number(env.VIRTFN_IDEMPOTENCY_LEASE_MS);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}
