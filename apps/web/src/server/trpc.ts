import { randomUUID } from "node:crypto";
import { initTRPC } from "@trpc/server";
import {
  DomainError,
  ErrorCode,
  requireAdmin,
  requireInventoryReader,
  resolveSession,
  type Actor,
} from "@virtfn/core";
import superjson from "superjson";
import { getDb } from "./db";
import { asDomainError, asZodError, internalMessage, InternalError, toTRPCError, zodFieldErrors, zodSummary } from "./errors";
import { readCookie, SESSION_COOKIE } from "./session-cookie";

export interface CreateContextOptions {
  headers: Headers;
  /** Response headers: login and logout set the session cookie here. */
  resHeaders: Headers;
  url?: string;
}

export async function createContext(opts: CreateContextOptions) {
  const requestId = opts.headers.get("x-request-id") ?? randomUUID();
  const db = getDb();
  const sessionToken = readCookie(opts.headers, SESSION_COOKIE);
  const sourceIp = opts.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  let actor: Actor | null = null;
  try {
    const resolved = await resolveSession(db, sessionToken);
    actor = resolved && sourceIp ? { ...resolved, sourceIp } : resolved;
  } catch (error) {
    console.error(`[web] request ${requestId}: could not resolve the session:`, error);
    throw new InternalError(requestId);
  }
  return {
    db,
    actor,
    sessionToken,
    requestId,
    headers: opts.headers,
    resHeaders: opts.resHeaders,
    url: opts.url,
  };
}
export type Context = Awaited<ReturnType<typeof createContext>>;

const t = initTRPC.context<Context>().create({
  transformer: superjson,
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
      message: internal && !(error instanceof InternalError)
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

export const createCallerFactory = t.createCallerFactory;
export const router = t.router;

/** Every procedure goes through here: it is where thrown errors are mapped, once. */
const mapErrors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error, ctx.requestId, path);
  return result;
});

/** Anyone, signed in or not (login, health-like queries). */
export const publicProcedure = t.procedure.use(mapErrors);

/** Any signed-in user (Admin, Tenant or Auditor). */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.actor) {
    throw new DomainError(ErrorCode.UNAUTHENTICATED, "UNAUTHORIZED", "Sign in to continue.");
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
