import { randomUUID } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import {
  can,
  DomainError,
  ErrorCode,
  isDatabaseUnavailable,
  recordAuditFailure,
  requireAdmin,
  requireInventoryReader,
  resolveApiKey,
  resolveSession,
  type Actor,
} from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { dateTransformer } from "../trpc/transformer";
import { getDb } from "./db";
import {
  asDomainError,
  asZodError,
  internalMessage,
  InternalError,
  toTRPCError,
  zodFieldErrors,
  zodSummary,
} from "./errors";
import { BoundaryError, checkJson, textProblem } from "./rest/boundary";
import { bucketOf, takeToken } from "./rest/rate-limit";
import type { ProcedureMeta } from "./rest/route";
import { readCookie, SESSION_COOKIE } from "./session-cookie";

export interface CreateContextOptions {
  headers: Headers;
  /** Response headers: login and logout set the session cookie here. */
  resHeaders: Headers;
  url?: string;
  /** Tests pass their own database; the server uses the process-wide client. */
  db?: Db;
}

/** How the caller proved who they are: a session cookie, an API key (Bearer), or not at all. */
export type AuthVia = "cookie" | "apiKey" | null;

/**
 * The client's address, as told by trusted proxies only. `X-Forwarded-For` is whatever the client
 * wants it to be unless a proxy we run in front rewrites it: VIRTFN_TRUSTED_PROXY_HOPS=N (default
 * 0, off) says N proxies append to it, so the Nth entry from the right is the address the
 * outermost of them saw. Off, the address is unknown (Next.js does not give route handlers the
 * socket's peer, and fills X-Forwarded-For only when the client did not).
 */
export function clientAddressOf(headers: Headers): string | undefined {
  const hops = Number(process.env.VIRTFN_TRUSTED_PROXY_HOPS ?? "0");
  if (!Number.isInteger(hops) || hops <= 0) return undefined;
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  const address = chain[chain.length - hops];
  return address && /^[0-9a-fA-F:.]{2,45}$/.test(address) ? address : undefined;
}

function bearerToken(headers: Headers): string | undefined {
  const header = headers.get("authorization");
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? "";
}

export interface Context {
  db: Db;
  actor: Actor | null;
  /** How the actor was authenticated; absent in hand-built test contexts (treated as a cookie). */
  authVia?: AuthVia;
  /** An Authorization header was sent but its key is not valid (unknown, revoked, user disabled). */
  badApiKey?: boolean;
  sessionToken: string | undefined;
  /** The client's address when a trusted proxy vouches for it (clientAddressOf). */
  sourceIp?: string | undefined;
  requestId: string;
  headers: Headers;
  resHeaders: Headers;
  url: string | undefined;
}

export async function createContext(opts: CreateContextOptions): Promise<Context> {
  const requestId = opts.headers.get("x-request-id") ?? randomUUID();
  const db = opts.db ?? getDb();
  const sessionToken = readCookie(opts.headers, SESSION_COOKIE);
  const apiToken = bearerToken(opts.headers);
  const sourceIp = clientAddressOf(opts.headers);
  let actor: Actor | null = null;
  let authVia: AuthVia = null;
  try {
    // A request that sends Authorization is an API call: its key decides, never a cookie beside it.
    const resolved =
      apiToken !== undefined
        ? await resolveApiKey(db, apiToken)
        : await resolveSession(db, sessionToken);
    if (resolved) authVia = apiToken !== undefined ? "apiKey" : "cookie";
    actor = resolved && sourceIp ? { ...resolved, sourceIp } : resolved;
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw toTRPCError(error, requestId);
    console.error(`[web] request ${requestId}: could not resolve the caller:`, error);
    throw new InternalError(requestId);
  }
  return {
    db,
    actor,
    authVia,
    badApiKey: apiToken !== undefined && actor === null,
    sessionToken: apiToken !== undefined ? undefined : sessionToken,
    sourceIp,
    requestId,
    headers: opts.headers,
    resHeaders: opts.resHeaders,
    url: opts.url,
  };
}

// Procedures may carry their REST route in their meta (rest/route.ts).
const builder = initTRPC.context<Context>().meta<ProcedureMeta>();
const t = builder.create({
  transformer: dateTransformer,
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const domain = asDomainError(cause);
    const zod = asZodError(cause);
    const internal = error.code === "INTERNAL_SERVER_ERROR";
    const requestId = error instanceof InternalError ? error.requestId : ctx?.requestId;
    // Never ship stacks or raw messages of unexpected errors to the browser.
    const { stack: _stack, ...data } = shape.data;
    return {
      ...shape,
      message:
        internal && !(error instanceof InternalError)
          ? internalMessage(requestId)
          : zod
            ? zodSummary(zod)
            : shape.message,
      data: {
        ...data,
        requestId: requestId ?? null,
        domainCode: domain?.code ?? (zod ? "VALIDATION_FAILED" : null),
        details: domain?.details ?? null,
        fieldErrors: zod ? zodFieldErrors(zod).fieldErrors : null,
        formErrors: zod ? zodFieldErrors(zod).formErrors : null,
      },
    };
  },
});

/** The error shape errorFormatter gives every procedure (routers/service-router.ts types with it). */
export type ErrorShape = (typeof t)["_config"]["$types"]["errorShape"];

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

// Which input field names a mutation's target, for the audit events of refused and failed calls.
const targetKeys: Array<[string, string]> = [
  ["nicId", "VmNic"],
  ["vmId", "Vm"],
  ["pfId", "PhysicalNic"],
  ["hostId", "Host"],
  ["ipRangeId", "IpRange"],
  ["l3Id", "L3Network"],
  ["l2Id", "L2Network"],
  ["poolId", "VxlanPool"],
  ["securityGroupId", "SecurityGroup"],
  ["ruleId", "SecurityGroupRule"],
  ["eipId", "Eip"],
  ["offeringId", "InstanceOffering"],
  ["imageId", "Image"],
  ["apiKeyId", "ApiKey"],
  ["userId", "User"],
  ["projectId", "Project"],
  ["clusterId", "Cluster"],
  ["zoneId", "Zone"],
];

function auditTarget(path: string, raw: unknown) {
  const input = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const str = (value: unknown) =>
    typeof value === "string" && textProblem(value) === null ? value.slice(0, 64) : null;
  const projectId = str(input.projectId);
  for (const [key, type] of targetKeys) {
    const id = str(input[key]);
    if (id)
      return {
        targetType: type,
        targetId: id,
        projectId: projectId && /^[0-9a-f-]{36}$/i.test(projectId) ? projectId : null,
      };
  }
  return { targetType: path.split(".")[0] ?? "Unknown", targetId: null, projectId: null };
}

/**
 * Every procedure goes through here: it is where thrown errors are mapped, once, and where refused
 * (Denied) and failed (Failure) mutations are audited. Successes are audited by core services.
 */
const mapErrors = t.middleware(async ({ ctx, next, path, type, getRawInput }) => {
  const result = await next();
  if (result.ok) return result;
  const error = toTRPCError(result.error, ctx.requestId, path);
  if (error.code === "SERVICE_UNAVAILABLE") {
    const seconds = asDomainError(error.cause)?.details.retryAfterSeconds;
    ctx.resHeaders.set("Retry-After", String(typeof seconds === "number" ? seconds : 1));
  }
  // Nothing can be audited while the database is down; trying would only hold the request.
  if (
    type === "mutation" &&
    error.code !== "TOO_MANY_REQUESTS" &&
    error.code !== "SERVICE_UNAVAILABLE"
  ) {
    try {
      const raw = await getRawInput().catch(() => undefined);
      const domain = asDomainError(error.cause);
      const zod = asZodError(error.cause);
      const denied = error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED";
      const claimed =
        raw && typeof raw === "object" ? (raw as Record<string, unknown>).username : undefined;
      await recordAuditFailure(ctx.db, ctx.actor, {
        action: path,
        outcome: denied ? "Denied" : "Failure",
        errorCode: domain?.code ?? (zod ? ErrorCode.VALIDATION_FAILED : error.code),
        message:
          error.code === "INTERNAL_SERVER_ERROR"
            ? `Internal error, request id ${ctx.requestId}`
            : error.message,
        sourceIp: ctx.sourceIp ?? null,
        claimedName:
          !ctx.actor && typeof claimed === "string" && textProblem(claimed) === null
            ? claimed.slice(0, 64)
            : null,
        details: {
          requestId: ctx.requestId,
          via: ctx.authVia ?? "anonymous",
          ...(zod ? zodFieldErrors(zod) : {}),
        },
        ...auditTarget(path, raw),
        input: raw,
      });
    } catch (auditError) {
      console.error(
        `[web] request ${ctx.requestId}: could not audit the failure of ${path}:`,
        auditError,
      );
    }
  }
  throw error;
});

/** The Origin's host, or null when the header is absent. */
function originHost(value: string): string | null {
  try {
    return new URL(value).host;
  } catch {
    return "invalid";
  }
}

/**
 * CSRF: a mutation that relies on the session cookie must come from our own pages. Browsers send
 * Sec-Fetch-Site and Origin on every POST; tools without them (curl, server code) are not browsers
 * and cannot be tricked into sending the cookie. Bearer-key calls carry no ambient credential.
 */
function crossSite(ctx: { headers: Headers; url?: string | undefined }): boolean {
  const site = ctx.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = ctx.headers.get("origin");
  if (!origin) return false;
  if (origin === "null") return true;
  const host =
    ctx.headers.get("x-forwarded-host")?.split(",")[0]?.trim() ||
    ctx.headers.get("host") ||
    (ctx.url ? originHost(ctx.url) : null);
  return !host || originHost(origin) !== host;
}

/** The first string in a raw input that cannot be stored as text, as a validation error. */
function unstorableText(raw: unknown): DomainError | null {
  try {
    checkJson(raw, "input");
    return null;
  } catch (error) {
    if (!(error instanceof BoundaryError)) throw error;
    return new DomainError(
      ErrorCode.VALIDATION_FAILED,
      "BAD_REQUEST",
      error.problem.message,
      error.problem.details,
    );
  }
}

/**
 * Rate limits (per API key, per user for cookie sessions, per trusted client address for anonymous
 * calls), the CSRF check, and the input boundary (no NUL or lone surrogate reaches a service).
 */
const guard = t.middleware(async ({ ctx, next, type, path, getRawInput }) => {
  // Anonymous calls other than a login are refused before any work, so only logins and key
  // guesses spend the per-address bucket.
  const spends = ctx.actor || path === "auth.login" || ctx.badApiKey;
  const bucket = spends ? await takeToken(bucketOf(ctx)) : ({ ok: true } as const);
  if (!bucket.ok) {
    ctx.resHeaders.set("Retry-After", String(bucket.retryAfterSeconds));
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: `Too many requests; retry in ${bucket.retryAfterSeconds} s.`,
      cause: new DomainError(ErrorCode.RATE_LIMITED, "BAD_REQUEST", "Too many requests.", {
        retryAfterSeconds: bucket.retryAfterSeconds,
      }),
    });
  }
  if (type === "mutation" && ctx.authVia !== "apiKey" && crossSite(ctx)) {
    throw new DomainError(
      ErrorCode.CROSS_SITE_REQUEST,
      "FORBIDDEN",
      "Cross-site requests cannot change anything; use the console or an API key.",
    );
  }
  const bad = unstorableText(await getRawInput().catch(() => undefined));
  if (bad) throw bad;
  return next();
});

/** Anyone, signed in or not (login, health-like queries). */
export const publicProcedure = t.procedure.use(mapErrors).use(guard);

/** Mutations that change only the caller's own session or API keys (core's "self.manage"). */
const SELF_SERVICE_MUTATIONS = new Set(["auth.logout", "apiKeys.create", "apiKeys.revoke"]);

/** Any signed-in user (Admin, Tenant or Auditor). Auditors are read-only, whatever a service checks. */
export const authedProcedure = publicProcedure.use(({ ctx, next, type, path }) => {
  if (!ctx.actor) {
    throw ctx.badApiKey
      ? new DomainError(
          ErrorCode.INVALID_API_KEY,
          "UNAUTHORIZED",
          "The API key is not valid (unknown, revoked, or its user is disabled).",
        )
      : new DomainError(
          ErrorCode.UNAUTHENTICATED,
          "UNAUTHORIZED",
          "Sign in or send an API key to continue.",
        );
  }
  const needs = SELF_SERVICE_MUTATIONS.has(path) ? "self.manage" : "write";
  if (type === "mutation" && !can(ctx.actor, needs)) {
    throw new DomainError(ErrorCode.READ_ONLY_ROLE, "FORBIDDEN", "Auditors have read-only access.");
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/** Admins only (R15: hosts, IOMMU, splitting, networks). Core services check again. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  requireAdmin(ctx.actor, "do this");
  return next();
});

/** Admins and auditors: read-only views of the physical inventory. */
export const inventoryProcedure = authedProcedure.use(({ ctx, next }) => {
  requireInventoryReader(ctx.actor);
  return next();
});
