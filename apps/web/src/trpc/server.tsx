// Server-side access for React Server Components and layouts: a tRPC caller bound to the
// request's cookies, so server code goes through the same procedures, checks and error mapping.
import { getErrorShape, getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import type { ErrorData, ShownError } from "~/lib/errors";
import { appRouter, createCaller } from "~/server/root";
import { createContext } from "~/server/trpc";

export const serverApi = cache(async () => {
  const [requestHeaders, cookieStore] = await Promise.all([headers(), cookies()]);
  const forwarded = new Headers(requestHeaders);
  forwarded.set("cookie", cookieStore.toString());
  return createCaller(await createContext({ headers: forwarded, resHeaders: new Headers() }));
});

/** The signed-in user, or null. Never throws for an anonymous visitor. */
export const currentUser = cache(async () => {
  const api = await serverApi();
  try {
    return await api.auth.me();
  } catch (error) {
    if (error instanceof TRPCError && error.code === "UNAUTHORIZED") return null;
    throw error;
  }
});

/**
 * A procedure's failure as the browser would have received it (the router's error formatter:
 * message, domain code, field errors), for a server-rendered page to show with ErrorBox.
 */
export function shownError(error: unknown, path: string, input: unknown): ShownError {
  const shape = getErrorShape({
    config: appRouter._def._config,
    error: getTRPCErrorFromUnknown(error),
    type: "query",
    path,
    input,
    ctx: undefined,
  });
  return { message: shape.message, data: shape.data as ErrorData };
}

/** A procedure's answer, or its failure as shown to the user: what a server-rendered page passes down. */
export type Settled<T> = { data: T; error: null } | { data: null; error: ShownError };

/** The request's tRPC caller (serverApi's answer), as settle gives it to a read. */
export type ServerApi = Awaited<ReturnType<typeof serverApi>>;

/**
 * Runs one read of a server-rendered page: its answer, or (when it fails) the error its client
 * component shows where the data would be, so that one failed panel does not fail the page. The
 * read is given the request's caller.
 */
export async function settle<T>(
  path: string,
  input: unknown,
  read: (api: ServerApi) => Promise<T>,
): Promise<Settled<T>> {
  try {
    return { data: await read(await serverApi()), error: null };
  } catch (error) {
    return { data: null, error: shownError(error, path, input) };
  }
}
