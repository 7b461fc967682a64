import { AgentError, AgentErrorBody } from "./errors";
import type { AgentFetch } from "./http";
import { buildPath, type RouteDef } from "./routes";

export interface TransportOptions {
  baseUrl: string;
  token: string;
  /** Per attempt, covering connect, headers and body. */
  timeoutMs: number;
  /** Extra attempts after a transient failure, for idempotent routes only. */
  retries: number;
  /** First backoff; it doubles per attempt. */
  retryDelayMs: number;
  /**
   * Keep retrying transient failures of idempotent routes until this much time has passed,
   * even after `retries` ran out: an agent restart or a host reboot is waited out instead of
   * failing the caller. 0 means count-based retries only.
   */
  retryForMs?: number;
  /** Cap of one backoff while retrying for `retryForMs`; default 2 s. */
  maxRetryDelayMs?: number;
  fetch: AgentFetch;
  /** Sent as OPERATION_HEADER with every call: the operation the calls are made for. */
  operationId?: string;
  /** Sent as RECONCILE_CLAIM_HEADER with every call: the reconcile claim the calls are made for. */
  reconcileClaim?: string;
}

/** The header naming the operation an agent call is made for: agents log and count by it. */
export const OPERATION_HEADER = "x-virtfn-operation-id";
/**
 * The header naming the reconcile claim (worker and claim fence) an agent call is made for: one
 * claim is one reconcile pass, whatever calls and retries it makes, so passes are counted by it.
 */
export const RECONCILE_CLAIM_HEADER = "x-virtfn-reconcile-claim";

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Overrides the client's `retryForMs` for this call; 0 fails after the counted retries. */
  retryForMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function callRoute(
  transport: TransportOptions,
  route: RouteDef,
  params: Record<string, string>,
  body: unknown,
  options: CallOptions = {},
): Promise<unknown> {
  const attempts = route.idempotent ? transport.retries + 1 : 1;
  const retryForMs = route.idempotent ? (options.retryForMs ?? transport.retryForMs ?? 0) : 0;
  const deadline = Date.now() + retryForMs;
  const maxDelay = transport.maxRetryDelayMs ?? 2000;
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 0) await sleep(Math.min(maxDelay, transport.retryDelayMs * 2 ** (attempt - 1)));
    try {
      return await attemptOnce(transport, route, params, body, options);
    } catch (error) {
      if (!(error instanceof AgentError) || !error.isTransient || options.signal?.aborted === true)
        throw error;
      const nextDelay = Math.min(maxDelay, transport.retryDelayMs * 2 ** attempt);
      if (attempt + 1 >= attempts && (retryForMs === 0 || Date.now() + nextDelay > deadline))
        throw error;
    }
  }
}

async function attemptOnce(
  transport: TransportOptions,
  route: RouteDef,
  params: Record<string, string>,
  body: unknown,
  options: CallOptions,
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? transport.timeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal =
    options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  // Relative to the base so an agent behind a path prefix (a TLS proxy) still works.
  const url = new URL(
    buildPath(route.path, params).slice(1),
    withTrailingSlash(transport.baseUrl),
  ).toString();
  const headers: Record<string, string> = { accept: "application/json" };
  if (route.auth) headers.authorization = `Bearer ${transport.token}`;
  if (transport.operationId !== undefined) headers[OPERATION_HEADER] = transport.operationId;
  if (transport.reconcileClaim !== undefined)
    headers[RECONCILE_CLAIM_HEADER] = transport.reconcileClaim;
  let payload: string | undefined;
  if (route.body !== null) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }

  let response: Awaited<ReturnType<AgentFetch>>;
  let text: string;
  try {
    response = await transport.fetch(url, { method: route.method, headers, body: payload, signal });
    text = await response.text();
  } catch (error) {
    if (timeout.aborted) {
      throw new AgentError("TIMEOUT", `${route.method} ${url} timed out after ${timeoutMs} ms`, {
        cause: error,
      });
    }
    if (options.signal?.aborted === true) {
      throw new AgentError("TIMEOUT", `${route.method} ${url} was aborted by the caller`, {
        cause: error,
      });
    }
    throw new AgentError("UNREACHABLE", `${route.method} ${url} failed: ${describe(error)}`, {
      cause: error,
    });
  }

  const json = parseJson(text);
  if (!response.ok) throw toAgentError(response.status, json, text, url);
  const parsed = route.response.safeParse(json);
  if (!parsed.success) {
    throw new AgentError(
      "BAD_RESPONSE",
      `${route.method} ${url}: response does not match the contract`,
      {
        status: response.status,
        details: {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      },
    );
  }
  return parsed.data;
}

function toAgentError(status: number, json: unknown, text: string, url: string): AgentError {
  const body = AgentErrorBody.safeParse(json);
  if (body.success) {
    const { code, message, details } = body.data.error;
    return new AgentError(code, message, { status, ...(details === undefined ? {} : { details }) });
  }
  // Something other than the agent answered (a proxy, an old agent): keep the status meaningful.
  const code =
    status === 401
      ? "UNAUTHORIZED"
      : status === 404
        ? "NOT_FOUND"
        : status >= 500
          ? "INTERNAL"
          : "BAD_RESPONSE";
  return new AgentError(code, `${url} answered ${status}: ${text.slice(0, 200)}`, { status });
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
