// Server-side access for React Server Components and layouts: a tRPC caller bound to the
// request's cookies, so server code goes through the same procedures, checks and error mapping.
import { TRPCError } from "@trpc/server";
import { cookies, headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "~/server/root";
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
