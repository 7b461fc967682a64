"use client";

// The client data layer (react-query and the tRPC client): ~22 kB gzipped. Pages that fetch in the
// browser render TRPCReactProvider themselves (their page.tsx), so it loads with them and not with
// every page: a page rendered by the server (the audit log) paints without it.
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "~/server/root";
import { getTrpcClient } from "./client";
import { makeQueryClient } from "./query-client";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
export { getTrpcClient };

let browserQueryClient: QueryClient | undefined;

/** On the server every request gets a fresh client; in the browser one lives for the tab. */
export function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

/**
 * react-query and tRPC for the page inside. Each page renders its own, over the tab's one query
 * cache and client: what one page loaded is still there on the next.
 */
export function TRPCReactProvider({ children }: { children: React.ReactNode }) {
  const queryClient = getQueryClient();
  const trpcClient = getTrpcClient();
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
