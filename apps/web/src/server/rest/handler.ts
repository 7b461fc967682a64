// The REST API's one route handler: match the endpoint a procedure declares, build the input, call
// the procedure through createCaller, and turn the answer (or the error) into HTTP.
import { createHash, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import {
  abandonIdempotentRequest,
  beginIdempotentRequest,
  keepIdempotentRequest,
  ErrorCode,
  finishIdempotentRequest,
  recordAuditFailure,
  viewOfWrittenOperation,
  type Actor,
} from "@virtfn/core";
import type { Db, Prisma } from "@virtfn/db";
import {
  asDomainError,
  asZodError,
  internalMessage,
  toTRPCError,
  zodFieldErrors,
  zodSummary,
} from "../errors";
import { createCaller } from "../root";
import { createContext } from "../trpc";
import { endpoints, type Endpoint } from "./endpoints";
import { idempotencyLeaseMs, idempotentDb, provisionalAnswer } from "./idempotent-db";
import { openApiDocument } from "./openapi";
import {
  BoundaryError,
  checkHeaders,
  pathSegments,
  queryParams,
  readJsonBody,
  refuseUnknownFields,
} from "./boundary";
import { bucketOf, takeToken } from "./rate-limit";
import { coerceQuery, inputSchemaOf, unknownFields } from "./schemas";
import type { RestErrorCode } from "./error-codes";
import { asRestBody } from "./lists";

export const API_PREFIX = "/api/v1";
const MAX_WAIT_SECONDS = 120;
const POLL_MS = 200;
const FINISHED = new Set(["Succeeded", "Failed", "Cancelled"]);

export interface RestError {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

interface Compiled {
  endpoint: Endpoint;
  segments: string[];
}
const compiled: Compiled[] = endpoints.map((endpoint) => ({
  endpoint,
  segments: endpoint.path.split("/").filter(Boolean),
}));

/** The endpoint for a method and path, with the path parameters; or why there is none. */
export function matchEndpoint(
  method: string,
  segments: string[],
): { endpoint: Endpoint; params: Record<string, string> } | { allowed: string[] } {
  const allowed: string[] = [];
  for (const row of compiled) {
    if (row.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = row.segments.every((part, i) => {
      const actual = segments[i] ?? "";
      if (part.startsWith(":")) {
        params[part.slice(1)] = actual;
        return actual.length > 0;
      }
      return part === actual;
    });
    if (!fits) continue;
    if (row.endpoint.method === method) return { endpoint: row.endpoint, params };
    allowed.push(row.endpoint.method);
  }
  return { allowed };
}

function replacer(_key: string, value: unknown) {
  return typeof value === "bigint" ? value.toString() : value;
}

function json(status: number, body: unknown, headers: Headers = new Headers()): Response {
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(status === 204 ? null : JSON.stringify(body, replacer), { status, headers });
}

function retryAfterHeaders(headers: Headers, retryAfter: number | undefined): Headers {
  if (retryAfter) headers.set("retry-after", String(retryAfter));
  return headers;
}

function errorBody(
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): RestError {
  return { code, message, details };
}

/** The same mapping as the tRPC error formatter, shaped `{ code, message, details }`. */
export function restError(
  error: unknown,
  requestId: string,
): { status: number; body: RestError; retryAfter?: number } {
  const mapped = error instanceof TRPCError ? error : toTRPCError(error, requestId);
  const status = getHTTPStatusCodeFromError(mapped);
  const domain = asDomainError(mapped.cause);
  const zod = asZodError(mapped.cause);
  if (status === 503 && domain) {
    return {
      status,
      body: errorBody(domain.code, domain.message, domain.details),
      retryAfter: Number(domain.details.retryAfterSeconds ?? 1),
    };
  }
  if (status >= 500) {
    return { status: 500, body: errorBody("INTERNAL", internalMessage(requestId), { requestId }) };
  }
  if (zod) {
    const { fieldErrors, formErrors } = zodFieldErrors(zod);
    return {
      status: 400,
      body: errorBody(ErrorCode.VALIDATION_FAILED, zodSummary(zod), { fieldErrors, formErrors }),
    };
  }
  if (domain) {
    const retryAfter =
      mapped.code === "TOO_MANY_REQUESTS"
        ? Number(domain.details.retryAfterSeconds ?? 1)
        : undefined;
    return {
      status,
      body: errorBody(
        domain.code,
        mapped.code === "TOO_MANY_REQUESTS" ? mapped.message : domain.message,
        domain.details,
      ),
      ...(retryAfter ? { retryAfter } : {}),
    };
  }
  return { status, body: errorBody(mapped.code, mapped.message) };
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a.localeCompare(b),
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

type Call = (input?: unknown) => Promise<unknown>;

function procedureOf(caller: unknown, path: string): Call {
  const fn = path
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return fn as Call;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export interface RestOptions {
  /** Tests: the database to use instead of the process-wide client. */
  db?: Db;
}

/** Handles `/api/v1/<segments>`. */
export async function handleRest(
  request: Request,
  _decodedSegments: string[],
  options: RestOptions = {},
): Promise<Response> {
  const method = request.method.toUpperCase();
  const url = new URL(request.url);
  const headerRequestId = request.headers.get("x-request-id");
  const requestId =
    headerRequestId && /^[\w.:@-]{1,128}$/.test(headerRequestId) ? headerRequestId : randomUUID();
  const baseHeaders = () => new Headers({ "x-request-id": requestId });
  const fail = (status: number, body: RestError, headers = baseHeaders()) =>
    json(status, body, headers);
  const refuse = (error: unknown, headers = baseHeaders()): Response => {
    if (error instanceof BoundaryError) {
      const { status, code, message, details } = error.problem;
      return fail(status, errorBody(code, message, details), headers);
    }
    const { status, body, retryAfter } = restError(error, requestId);
    return fail(status, body, retryAfterHeaders(headers, retryAfter));
  };

  // The boundary: the path is decoded once, here, from the raw URL; the framework's own decoded
  // params are not trusted (a second decode of `%25` used to throw outside any try).
  let segments: string[];
  let query: URLSearchParams;
  try {
    checkHeaders(request.headers);
    segments = pathSegments(url.pathname, API_PREFIX);
    query = queryParams(url.search);
  } catch (error) {
    return refuse(error);
  }

  if (segments.length === 1 && segments[0] === "openapi.json") {
    if (method !== "GET") return fail(405, errorBody("METHOD_NOT_ALLOWED", "Use GET."));
    return json(200, openApiDocument(url.origin), baseHeaders());
  }

  const match = matchEndpoint(method, segments);
  if ("allowed" in match) {
    if (match.allowed.length === 0) {
      return fail(
        404,
        errorBody(
          "ROUTE_NOT_FOUND" satisfies RestErrorCode,
          `No endpoint ${method} ${API_PREFIX}/${segments.map(encodeURIComponent).join("/")}. See ${API_PREFIX}/openapi.json.`,
        ),
      );
    }
    const headers = baseHeaders();
    headers.set("allow", match.allowed.join(", "));
    return fail(
      405,
      errorBody("METHOD_NOT_ALLOWED", `Use ${match.allowed.join(" or ")}.`),
      headers,
    );
  }
  const { endpoint, params } = match;

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-request-id", requestId);
  const resHeaders = baseHeaders();
  let ctx: Awaited<ReturnType<typeof createContext>>;
  try {
    ctx = await createContext({
      headers: requestHeaders,
      resHeaders,
      url: request.url,
      ...(options.db ? { db: options.db } : {}),
    });
  } catch (error) {
    return refuse(error);
  }

  // Anonymous callers get nothing but a 401, rate limited per trusted client address (callers
  // with a key or session spend their own bucket in the procedure's guard).
  const bucket = ctx.actor ? ({ ok: true } as const) : await takeToken(bucketOf(ctx));
  if (!bucket.ok) {
    resHeaders.set("retry-after", String(bucket.retryAfterSeconds));
    return fail(
      429,
      errorBody(
        ErrorCode.RATE_LIMITED,
        `Too many requests; retry in ${bucket.retryAfterSeconds} s.`,
        { retryAfterSeconds: bucket.retryAfterSeconds },
      ),
      resHeaders,
    );
  }
  if (!ctx.actor) {
    resHeaders.set("www-authenticate", 'Bearer realm="virtfn"');
    return ctx.badApiKey
      ? fail(
          401,
          errorBody(
            ErrorCode.INVALID_API_KEY,
            "The API key is not valid (unknown, revoked, or its user is disabled).",
          ),
          resHeaders,
        )
      : fail(
          401,
          errorBody(ErrorCode.UNAUTHENTICATED, "Send an API key: Authorization: Bearer vfn_…"),
          resHeaders,
        );
  }
  const actor: Actor = ctx.actor;
  // A refusal at the boundary of a call that would change something is audited like any other.
  const refuseAudited = async (error: unknown): Promise<Response> => {
    if (method !== "GET" && error instanceof BoundaryError) {
      await recordAuditFailure(ctx.db, actor, {
        action: endpoint.procedure,
        outcome: "Failure",
        errorCode: error.problem.code,
        message: error.problem.message.slice(0, 500),
        sourceIp: ctx.sourceIp ?? null,
        claimedName: null,
        details: { requestId, via: ctx.authVia ?? "anonymous", boundary: true },
        targetType: endpoint.procedure.split(".")[0] ?? "Unknown",
        targetId: null,
        projectId: null,
      }).catch((auditError: unknown) => {
        console.error(`[web] request ${requestId}: could not audit a refused call:`, auditError);
      });
    }
    return refuse(error, resHeaders);
  };

  // ?wait=<seconds> on long-running endpoints (elsewhere `wait` is a name like any other).
  let waitSeconds = 0;
  const waitParam = endpoint.longRunning ? query.get("wait") : null;
  if (waitParam !== null) {
    if (!/^\d{1,3}$/.test(waitParam) || Number(waitParam) > MAX_WAIT_SECONDS) {
      return fail(
        400,
        errorBody(
          ErrorCode.VALIDATION_FAILED,
          `wait: whole seconds from 0 to ${MAX_WAIT_SECONDS}`,
          { fieldErrors: { wait: [`0 to ${MAX_WAIT_SECONDS} seconds`] }, formErrors: [] },
        ),
      );
    }
    waitSeconds = Number(waitParam);
    query.delete("wait");
  }

  // The input: the query string (GET) or the JSON body, then the path parameters on top. Both are
  // strict: a name the procedure does not take, a query parameter beside a body, or any input to
  // an endpoint that takes none is refused (400 naming it) rather than silently ignored.
  const inputSchema = inputSchemaOf(endpoint.procedure);
  let input: Record<string, unknown> = {};
  try {
    if (endpoint.inputFrom === "query") input = coerceQuery(endpoint.procedure, query);
    else {
      refuseUnknownFields([...new Set(query.keys())].map((name) => `query.${name}`));
      input = await readJsonBody(request);
    }
    refuseUnknownFields(unknownFields(inputSchema ?? { properties: {} }, input));
  } catch (error) {
    return refuseAudited(error);
  }
  input = { ...input, ...params };
  const hasInput = inputSchema !== null;

  // Idempotency-Key on POST: replay the first answer for this caller and key.
  const idemKey = method === "POST" ? request.headers.get("idempotency-key") : null;
  const idem = idemKey
    ? { scope: actor.apiKeyId ? `key:${actor.apiKeyId}` : `user:${actor.userId}`, key: idemKey }
    : null;
  if (idemKey !== null && !/^[\x21-\x7e]{1,255}$/.test(idemKey)) {
    return fail(
      400,
      errorBody(ErrorCode.VALIDATION_FAILED, "Idempotency-Key: 1 to 255 visible ASCII characters."),
    );
  }
  // Renews the key's lease while this request runs; stopped once it has answered.
  let releaseKey: () => void = () => undefined;
  if (idem) {
    const fingerprint = createHash("sha256")
      .update(`${method} ${url.pathname} ${stableStringify(input)}`)
      .digest("hex");
    try {
      const leaseMs = idempotencyLeaseMs();
      const started = await beginIdempotentRequest(ctx.db, {
        ...idem,
        fingerprint,
        ...(leaseMs ? { leaseMs } : {}),
      });
      if (started.state === "replay") {
        const headers = baseHeaders();
        headers.set("idempotent-replayed", "true");
        if (started.location) headers.set("location", started.location);
        return json(started.status, started.body, headers);
      }
      releaseKey = keepIdempotentRequest(ctx.db, { ...idem, ...(leaseMs ? { leaseMs } : {}) });
    } catch (error) {
      const { status, body, retryAfter } = restError(error, requestId);
      return fail(status, body, retryAfterHeaders(baseHeaders(), retryAfter));
    }
  }

  const respond = async (status: number, body: unknown, headers: Headers): Promise<Response> => {
    releaseKey();
    if (idem) {
      try {
        if (status >= 500 || status === 429) await abandonIdempotentRequest(ctx.db, idem);
        else {
          const stored = JSON.parse(
            JSON.stringify(body, replacer) ?? "null",
          ) as Prisma.InputJsonValue;
          await finishIdempotentRequest(ctx.db, {
            ...idem,
            status,
            body: stored,
            location: headers.get("location"),
          });
        }
      } catch (error) {
        console.error(
          `[web] request ${requestId}: could not store the idempotent response:`,
          error,
        );
      }
    }
    return json(status, body, headers);
  };

  const caller = createCaller(
    idem
      ? {
          ...ctx,
          db: idempotentDb(ctx.db, idem, (result) =>
            provisionalAnswer(result, endpoint.longRunning === true, `${API_PREFIX}/operations`),
          ),
        }
      : ctx,
  );
  try {
    const result = await procedureOf(caller, endpoint.procedure)(hasInput ? input : undefined);
    const operationId =
      endpoint.longRunning && result && typeof result === "object"
        ? ((result as { operation?: { id?: unknown } }).operation?.id ?? null)
        : null;
    if (typeof operationId !== "string")
      return await respond(200, asRestBody(result ?? { ok: true }), resHeaders);

    // The command has committed: from here on nothing may answer an error. Its own row is the
    // first answer (no read); `?wait` polls, and a poll that fails (the pool is drained under
    // load) ends the wait with the last view instead of a 503 for a command that took effect.
    const written = (result as { operation?: unknown }).operation;
    let operation =
      viewOfWrittenOperation(written, ctx.actor?.username ?? null) ??
      (await caller.operations.get({ id: operationId }));
    const deadline = Date.now() + waitSeconds * 1000;
    while (
      waitSeconds > 0 &&
      !FINISHED.has(operation.status) &&
      Date.now() < deadline &&
      !request.signal.aborted
    ) {
      await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), request.signal);
      const polled = await caller.operations.get({ id: operationId }).catch(() => null);
      if (!polled) break;
      operation = polled;
    }
    resHeaders.set("location", `${API_PREFIX}/operations/${operationId}`);
    const finished = waitSeconds > 0 && FINISHED.has(operation.status);
    return await respond(finished ? 200 : 202, { ...(result as object), operation }, resHeaders);
  } catch (error) {
    const { status, body, retryAfter } = restError(error, requestId);
    if (retryAfter) resHeaders.set("retry-after", String(retryAfter));
    return await respond(status, body, resHeaders);
  }
}
