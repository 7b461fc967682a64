// Errors that mean "the database cannot be reached right now" (it is down, restarting, refusing
// connections, or the pool timed out waiting for it), told apart from everything else so that the
// transport answers 503 DATABASE_UNAVAILABLE with Retry-After instead of a 500.
import { DomainError, ErrorCode } from "./errors";

/** What Retry-After says while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Prisma's codes for an unreachable server (P1001, P1002), a socket timeout (P1008), a closed
 * connection (P1017), a pool timeout (P2024), too many connections (P2037), and a transaction
 * closed under its caller (P2028). The transport asks db-errors.ts first: a P2028 that could not
 * start in time or ran past its timeout is load (DATABASE_BUSY), not an outage.
 */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2037"]);
/** Driver adapter error kinds with the same meaning. */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
/**
 * SQLSTATEs: class 08 (connection exception), 57P01–57P03 (shutting down, crashed, starting up)
 * and 53300 (too many connections).
 */
const SQLSTATE = /^(08...|57P0[1-3]|53300)$/;
/** node-postgres and pg-pool raise these as plain Errors, without a code. */
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /not queryable/i,
  /Can't reach database server/i,
  /ECONNREFUSED|ECONNRESET/,
];

function fieldOf(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object"
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function matchesOne(error: unknown): boolean {
  const code = fieldOf(error, "code");
  if (typeof code === "string" && (PRISMA_CODES.has(code) || SQLSTATE.test(code))) return true;
  if (typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"].includes(code)) {
    return true;
  }
  const kind = fieldOf(error, "kind");
  if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
  const originalCode = fieldOf(error, "originalCode");
  if (typeof originalCode === "string" && SQLSTATE.test(originalCode)) return true;
  if (kind === "postgres" && typeof code === "string" && SQLSTATE.test(code)) return true;
  const message = fieldOf(error, "message");
  if (error instanceof Error && typeof message === "string") {
    return MESSAGES.some((pattern) => pattern.test(message));
  }
  return false;
}

/** True when the error, or anything it wraps, says the database is unavailable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === null || next === undefined || seen.has(next)) continue;
    seen.add(next);
    if (next instanceof DomainError) continue;
    if (matchesOne(next)) return true;
    queue.push(fieldOf(next, "cause"), fieldOf(fieldOf(next, "meta"), "driverAdapterError"));
  }
  return false;
}

export function databaseUnavailable(): DomainError {
  return new DomainError(
    ErrorCode.DATABASE_UNAVAILABLE,
    "UNAVAILABLE",
    `The database is unavailable right now; retry in ${DATABASE_RETRY_AFTER_SECONDS} s.`,
    { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
  );
}
