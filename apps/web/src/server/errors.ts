// The one place where errors become transport errors. Domain errors carry their kind (which maps
// 1:1 onto a tRPC code), their stable domain code and details; zod errors become BAD_REQUEST with
// field paths; anything else is logged with the request id and answered with a generic message.
import { TRPCError } from "@trpc/server";
import {
  databaseBusy,
  databaseUnavailable,
  domainErrorFromDb,
  isDatabaseUnavailable,
  isDomainError,
  isTxConflict,
  isTxExpired,
  isTxStartTimeout,
  type DomainError,
  type ErrorKind,
} from "@virtfn/core";
import { z } from "zod";
import { webTelemetry } from "./telemetry";

const kindToCode: Record<ErrorKind, TRPCError["code"]> = {
  BAD_REQUEST: "BAD_REQUEST",
  CONFLICT: "CONFLICT",
  NOT_FOUND: "NOT_FOUND",
  FORBIDDEN: "FORBIDDEN",
  UNAUTHORIZED: "UNAUTHORIZED",
  UNAVAILABLE: "SERVICE_UNAVAILABLE",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
};

/** An unexpected failure, already logged; its message is safe to show. */
export class InternalError extends TRPCError {
  constructor(readonly requestId: string) {
    super({
      code: "INTERNAL_SERVER_ERROR",
      message: `Something went wrong on the server. Request id: ${requestId}.`,
    });
  }
}

export function internalMessage(requestId: string | undefined): string {
  return requestId
    ? `Something went wrong on the server. Request id: ${requestId}.`
    : "Something went wrong on the server.";
}

export function asDomainError(error: unknown): DomainError | null {
  if (isDomainError(error)) return error;
  // Load, not a fault: no connection in time, a transaction that ran past its timeout, or a
  // deadlock that outlived the service's retries.
  if (isTxStartTimeout(error) || isTxExpired(error) || isTxConflict(error)) return databaseBusy();
  return null;
}

export function asZodError(error: unknown): z.core.$ZodError | null {
  if (error instanceof z.core.$ZodError) return error;
  return null;
}

export interface FieldErrors {
  /** Dotted field path → messages, e.g. { "agentUrl": ["Enter the agent URL…"] }. */
  fieldErrors: Record<string, string[]>;
  /** Messages not tied to a field. */
  formErrors: string[];
}

export function zodFieldErrors(error: z.core.$ZodError): FieldErrors {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const issue of error.issues) {
    if (issue.path.length === 0) {
      formErrors.push(issue.message);
      continue;
    }
    const key = issue.path.map(String).join(".");
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { fieldErrors, formErrors };
}

/** "agentUrl: Enter the agent URL…; name: Give the host a name" — readable without the UI. */
export function zodSummary(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message,
    )
    .join("; ");
}

/**
 * Maps whatever a procedure threw onto a TRPCError. TRPCErrors that tRPC or our middlewares raised
 * on purpose pass through; their causes are unwrapped first, because tRPC wraps unknown errors in
 * an INTERNAL_SERVER_ERROR whose cause is the original.
 */
export function toTRPCError(error: unknown, requestId: string, path?: string): TRPCError {
  if (error instanceof InternalError) return error;
  const original =
    error instanceof TRPCError && error.code === "INTERNAL_SERVER_ERROR" && error.cause
      ? error.cause
      : error;
  // Load first (a transaction that could not start in time or expired is DATABASE_BUSY), then a
  // database that is down: both are 503s the caller can retry, not internal errors.
  const domain =
    asDomainError(original) ?? (isDatabaseUnavailable(original) ? databaseUnavailable() : null);
  if (domain) {
    return new TRPCError({ code: kindToCode[domain.kind], message: domain.message, cause: domain });
  }
  // tRPC's own input parsing throws a BAD_REQUEST whose message is the issues as JSON; a core
  // service's parse throws the ZodError itself. Both are said in words, once, here.
  const zod =
    asZodError(original) ?? (original instanceof TRPCError ? asZodError(original.cause) : null);
  if (zod) {
    return new TRPCError({ code: "BAD_REQUEST", message: zodSummary(zod), cause: zod });
  }
  if (original instanceof TRPCError) return original;
  // A database error that the client's input caused (a dangling reference, a row deleted under
  // us, a value Postgres cannot store) is the client's, not a 500.
  const fromDb = domainErrorFromDb(original);
  if (fromDb) {
    return new TRPCError({ code: kindToCode[fromDb.kind], message: fromDb.message, cause: fromDb });
  }
  webTelemetry().logger.error(
    { requestId, ...(path ? { path } : {}), err: original },
    "request failed with an unexpected error",
  );
  return new InternalError(requestId);
}
