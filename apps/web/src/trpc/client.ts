// The tRPC client alone, without react-query: a server-rendered page's actions (useAction) load
// it when first used, and the data layer (react.tsx) shares the same one per tab.
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import type { AppRouter } from "~/server/root";
import { dateTransformer } from "./transformer";

export type Api = TRPCClient<AppRouter>;

let browserClient: Api | undefined;

function makeTrpcClient(): Api {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: "/api/trpc",
        transformer: dateTransformer,
        headers: () => ({ "x-trpc-source": "react" }),
      }),
    ],
  });
}

/** The tab's tRPC client (on the server, a fresh one each time). */
export function getTrpcClient(): Api {
  if (typeof window === "undefined") return makeTrpcClient();
  browserClient ??= makeTrpcClient();
  return browserClient;
}
