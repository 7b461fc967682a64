import { Prisma } from "@virtfn/db";
import { DomainError, ErrorCode } from "./errors";

/** True when Postgres refused a write because of a unique constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  // A raw query reports it as P2010 with the Postgres code 23505; queryRows as pg's own error.
  const prismaUnique =
    error instanceof Prisma.PrismaClientKnownRequestError &&
    (error.code === "P2002" || (error.code === "P2010" && error.message.includes("23505")));
  if (!prismaUnique) {
    const pgUnique = pgState(error) === "23505";
    return pgUnique && (!constraint || pgField(error, "constraint") === constraint);
  }
  if (!constraint) return true;
  // With driver adapters the constraint name travels in the message or the adapter metadata.
  return JSON.stringify({ message: error.message, meta: error.meta ?? null }).includes(constraint);
}

/** A SQLSTATE that pg put on the error itself (queryRows goes to the pool without Prisma). */
function pgState(error: unknown): string | undefined {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return undefined;
  const code = pgField(error, "code");
  // Five characters, like Prisma's own P2028: those are not SQLSTATEs.
  return code && /^[0-9A-Z]{5}$/.test(code) && !/^P\d{4}$/.test(code) ? code : undefined;
}

function pgField(error: unknown, field: "code" | "constraint"): string | undefined {
  if (typeof error !== "object" || error === null || !(field in error)) return undefined;
  const value = (error as Record<string, unknown>)[field];
  return typeof value === "string" ? value : undefined;
}

/** pg-pool gave up waiting for a free connection (connectionTimeoutMillis): nothing ran. */
function isPoolWaitTimeout(error: unknown): boolean {
  return (
    error instanceof Error && error.message.includes("timeout exceeded when trying to connect")
  );
}

function prismaCode(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("code" in error)) return null;
  return typeof error.code === "string" ? error.code : null;
}

/**
 * P2028 "Unable to start a transaction in the given time": no pooled connection came free within
 * maxWait. Nothing ran, so the same call may be repeated; other P2028s (an expired transaction)
 * are left alone.
 */
export function isTxStartTimeout(error: unknown): boolean {
  return (
    (prismaCode(error) === "P2028" &&
      error instanceof Error &&
      error.message.includes("Unable to start a transaction")) ||
    isPoolWaitTimeout(error)
  );
}

/**
 * P2028 "A query/commit cannot be executed on an expired transaction": the transaction ran past
 * its timeout and Prisma rolled it back. The database was slow, not gone, and nothing the
 * transaction wrote stays, so it is load (DATABASE_BUSY) and the same call may be repeated. The
 * other "Transaction already closed" P2028s (committed, rolled back by the caller) are bugs.
 * sqlTransaction's equivalent is a statement cancelled by its statement_timeout (57014).
 */
export function isTxExpired(error: unknown): boolean {
  return (
    (prismaCode(error) === "P2028" &&
      error instanceof Error &&
      error.message.includes("expired transaction")) ||
    pgState(error) === "57014"
  );
}

/** Postgres gave up on the transaction (deadlock 40P01, serialization 40001); it rolled back. */
export function isTxConflict(error: unknown): boolean {
  const code = prismaCode(error);
  if (code === "P2034") return true;
  const state = pgState(error);
  if (state === "40P01" || state === "40001") return true;
  // Raw queries report the Postgres code inside a P2010.
  return code === "P2010" && error instanceof Error && /\b(40P01|40001)\b/.test(error.message);
}

/** The answer when the database stays out of reach under load: 503 with Retry-After, not 500. */
export function databaseBusy(retryAfterSeconds = 1): DomainError {
  return new DomainError(
    ErrorCode.DATABASE_BUSY,
    "UNAVAILABLE",
    "The server is busy; try again in a moment.",
    { retryAfterSeconds },
  );
}

/** How long retryTransaction keeps trying: a number of attempts, or a time budget. */
export type RetryLimit = number | { budgetMs: number };

/**
 * Runs a whole transaction again when it could not start in time, ran past its timeout, or
 * Postgres rolled it back as a deadlock victim; all three leave nothing behind. Use it only around
 * work with no side effects outside the database; where `run` holds several transactions (createVm's
 * placement tries hosts one transaction each), every one before the last must be a refusal that
 * wrote nothing, since a retry runs them all again. `limit` is a number of attempts (default 3) or,
 * for requests that arrive by the hundred at once (a fleet split), a time budget: they queue for
 * the pool instead of being refused. When the retries run out, a start timeout or an expired
 * transaction becomes DATABASE_BUSY.
 */
export async function retryTransaction<T>(
  run: () => Promise<T>,
  limit: RetryLimit = 3,
): Promise<T> {
  const deadline = typeof limit === "number" ? null : Date.now() + limit.budgetMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const slow = isTxStartTimeout(error) || isTxExpired(error);
      if (!slow && !isTxConflict(error)) throw error;
      const exhausted = deadline === null ? attempt >= (limit as number) : Date.now() >= deadline;
      if (exhausted) throw slow ? databaseBusy() : error;
      // A random, growing pause so the retries of many callers do not arrive together.
      await new Promise((resolve) =>
        setTimeout(resolve, 20 * Math.min(attempt, 5) + Math.random() * 50 * Math.min(attempt, 5)),
      );
    }
  }
}

/** The Postgres SQLSTATE behind a Prisma or driver-adapter error, when there is one. */
function sqlState(error: unknown): string | undefined {
  const adapterCause = (value: unknown): unknown =>
    value && typeof value === "object" ? (value as { cause?: unknown }).cause : undefined;
  const fromMeta =
    error instanceof Prisma.PrismaClientKnownRequestError
      ? adapterCause(
          (error.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError,
        )
      : undefined;
  const cause = fromMeta ?? (error instanceof Error ? adapterCause(error) : undefined);
  if (!cause || typeof cause !== "object") return pgState(error);
  const code =
    (cause as { originalCode?: unknown; code?: unknown }).originalCode ??
    (cause as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

// Values Postgres refused as data: bad encoding (22021, e.g. NUL), out of range (22003), too long
// (22001), malformed literals (22P02, 22007, 22008), bad LIKE escapes (22025), bad regex (2201B).
const BAD_VALUE_STATES = new Set([
  "22001",
  "22003",
  "22007",
  "22008",
  "22021",
  "22025",
  "22P02",
  "2201B",
]);
const BAD_VALUE_CODES = new Set([
  "P2000",
  "P2006",
  "P2007",
  "P2009",
  "P2012",
  "P2019",
  "P2020",
  "P2023",
  "P2033",
]);

/**
 * The domain error for a database error that a client's input can cause (a unique or foreign key
 * violation, a row deleted under us, a value Postgres cannot store, a write conflict), or null
 * for anything else, which stays an internal error. The transport calls this before giving up.
 */
export function domainErrorFromDb(error: unknown): DomainError | null {
  const code = error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
  const state = sqlState(error);
  if (code === "P2002" || state === "23505") {
    return new DomainError(ErrorCode.ALREADY_EXISTS, "CONFLICT", "That already exists.");
  }
  if (code === "P2003" || state === "23503" || state === "23001") {
    return new DomainError(
      ErrorCode.REFERENCE_CONFLICT,
      "CONFLICT",
      "A resource it refers to does not exist, or it is still referred to.",
    );
  }
  if (code === "P2025") {
    return new DomainError(
      ErrorCode.NOT_FOUND,
      "NOT_FOUND",
      "It was not found (or no longer exists).",
    );
  }
  if (code === "P2034" || state === "40001" || state === "40P01") {
    return new DomainError(
      ErrorCode.CONCURRENT_UPDATE,
      "CONFLICT",
      "A concurrent change got in the way; try again.",
    );
  }
  if ((code && BAD_VALUE_CODES.has(code)) || (state && BAD_VALUE_STATES.has(state))) {
    return new DomainError(ErrorCode.VALIDATION_FAILED, "BAD_REQUEST", "A value is not valid.", {
      fieldErrors: {},
      formErrors: ["A value is not valid."],
    });
  }
  return null;
}
