import { z } from "zod";

/**
 * Error codes the agent can return. Kernel errno names (ERANGE, EBUSY) are kept verbatim because
 * the control plane maps them to user-facing rules (R12) and operators recognise them.
 * UNREACHABLE and TIMEOUT never come from the agent: the client produces them for transport failures.
 */
export const agentErrorCodes = [
  "ERANGE",
  "EBUSY",
  "EINVAL",
  "VF_IN_USE",
  "VF_NOT_FOUND",
  "NOT_FOUND",
  "NOT_SRIOV_CAPABLE",
  "UNAUTHORIZED",
  "VALIDATION",
  "IOMMU_NOT_ACTIVE",
  "DOMAIN_EXISTS",
  "DOMAIN_RUNNING",
  "DEVICE_BUSY",
  "MAC_IN_USE",
  "TASK_CONFLICT",
  "HOSTDEV_NOT_MIGRATABLE",
  "MIGRATION_FAILED",
  "VF_TIMEOUT",
  "SHUTDOWN_TIMEOUT",
  "COMMAND_FAILED",
  "UNSUPPORTED",
  "INTERNAL",
  "UNREACHABLE",
  "TIMEOUT",
  "BAD_RESPONSE",
] as const;

export const AgentErrorCode = z.enum(agentErrorCodes);
export type AgentErrorCode = z.infer<typeof AgentErrorCode>;

/** The error body every non-2xx agent response carries. */
export const AgentErrorBody = z.object({
  error: z.object({
    code: AgentErrorCode,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type AgentErrorBody = z.infer<typeof AgentErrorBody>;

/** HTTP status per code, defined once so the server and the client agree. */
export const agentErrorStatus: Record<AgentErrorCode, number> = {
  ERANGE: 422,
  EINVAL: 422,
  EBUSY: 409,
  VF_IN_USE: 409,
  VF_NOT_FOUND: 404,
  NOT_FOUND: 404,
  NOT_SRIOV_CAPABLE: 422,
  UNAUTHORIZED: 401,
  VALIDATION: 400,
  IOMMU_NOT_ACTIVE: 409,
  DOMAIN_EXISTS: 409,
  DOMAIN_RUNNING: 409,
  DEVICE_BUSY: 409,
  MAC_IN_USE: 409,
  TASK_CONFLICT: 409,
  HOSTDEV_NOT_MIGRATABLE: 409,
  MIGRATION_FAILED: 502,
  VF_TIMEOUT: 504,
  SHUTDOWN_TIMEOUT: 504,
  COMMAND_FAILED: 500,
  UNSUPPORTED: 501,
  INTERNAL: 500,
  UNREACHABLE: 503,
  TIMEOUT: 504,
  BAD_RESPONSE: 502,
};

/**
 * Codes where retrying the same request later can succeed without anyone changing anything.
 * Kernel EBUSY is deliberately not transient: it needs a write of 0 first, not patience.
 */
const transientCodes: ReadonlySet<AgentErrorCode> = new Set<AgentErrorCode>([
  "UNREACHABLE",
  "TIMEOUT",
  "INTERNAL",
  "DEVICE_BUSY",
  "TASK_CONFLICT",
  "SHUTDOWN_TIMEOUT",
]);

export function isTransientCode(code: AgentErrorCode): boolean {
  return transientCodes.has(code);
}

export class AgentError extends Error {
  override readonly name = "AgentError";
  readonly code: AgentErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly isTransient: boolean;

  constructor(
    code: AgentErrorCode,
    message: string,
    options: { status?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? agentErrorStatus[code];
    this.details = options.details;
    this.isTransient = isTransientCode(code);
  }

  toBody(): AgentErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

export function isAgentError(value: unknown): value is AgentError {
  return value instanceof AgentError;
}
