import { Prisma } from "@virtfn/db";
import { DomainError, ErrorCode } from "./errors";

/** True when Postgres refused a write because of a unique constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const prismaUnique =
    error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
  if (!prismaUnique) return false;
  if (!constraint) return true;
  // With driver adapters the constraint name travels in the message or the adapter metadata.
  return JSON.stringify({ message: error.message, meta: error.meta ?? null }).includes(constraint);
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
    prismaCode(error) === "P2028" &&
    error instanceof Error &&
    error.message.includes("Unable to start a transaction")
  );
}

/** Postgres gave up on the transaction (deadlock 40P01, serialization 40001); it rolled back. */
export function isTxConflict(error: unknown): boolean {
  const code = prismaCode(error);
  if (code === "P2034") return true;
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

/**
 * Runs a whole transaction again when it could not start in time or Postgres rolled it back as a
 * deadlock victim; both leave nothing behind. Use it only around work with no side effects outside
 * the database. When the retries run out, a start timeout becomes DATABASE_BUSY.
 */
export async function retryTransaction<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const retryable = isTxStartTimeout(error) || isTxConflict(error);
      if (!retryable) throw error;
      if (attempt >= attempts) throw isTxStartTimeout(error) ? databaseBusy() : error;
      // A short random pause so the retries of many callers do not arrive together.
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
    }
  }
}
