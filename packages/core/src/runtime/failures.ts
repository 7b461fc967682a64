import { isAgentError } from "@virtfn/agent-client";
import { ZodError } from "zod";
import { isDomainError } from "../shared/errors";

export interface ClassifiedFailure {
  /** Worth another attempt with backoff: the cause may go away without anyone acting. */
  retryable: boolean;
  code: string;
  message: string;
}

/** One place decides which failures a job retries and what the operation row says. */
export function classifyFailure(error: unknown): ClassifiedFailure {
  if (isDomainError(error)) return { retryable: false, code: error.code, message: error.message };
  if (isAgentError(error)) {
    return { retryable: error.isTransient, code: `AGENT_${error.code}`, message: error.message };
  }
  if (error instanceof ZodError) {
    return { retryable: false, code: "INVALID_OPERATION_INPUT", message: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { retryable: true, code: "INTERNAL", message };
}
