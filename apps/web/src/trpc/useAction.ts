"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import type { Api } from "./client";

// The tRPC client loads with the first action, not with the page: a server-rendered page shows
// its data without it. It is fetched once the browser is idle, so a first click does not wait.
const loadApi = () => import("./client").then((m) => m.getTrpcClient());

export interface Action<I, O> {
  /** Runs the action; a failure shows in `error` (use mutateAsync to await or catch it). */
  mutate: (input: I) => void;
  mutateAsync: (input: I) => Promise<O>;
  /** True from the call until the page's server data has been rendered again. */
  isPending: boolean;
  isError: boolean;
  error: unknown;
  /** The input of the last call (a row's pending state, say). */
  variables: I | undefined;
  reset: () => void;
}

interface ActionOptions<I, O> {
  onSuccess?: (output: O, input: I) => void;
  /** Render the page again on the server after a success (the default): its data changed. */
  refresh?: boolean;
}

type Status<I> =
  | { kind: "idle"; variables?: undefined }
  | { kind: "pending" | "done"; variables: I }
  | { kind: "failed"; variables: I; error: unknown };

/**
 * A mutation for a page whose data the server renders: calls a procedure through the tRPC client,
 * then refreshes the page so that what the server now answers is shown (react-query's
 * invalidation, for a server-rendered page). The result has react-query's mutation shape.
 */
export function useAction<I, O>(
  call: (api: Api, input: I) => Promise<O>,
  options: ActionOptions<I, O> = {},
): Action<I, O> {
  const router = useRouter();
  const [status, setStatus] = useState<Status<I>>({ kind: "idle" });
  const [refreshing, startTransition] = useTransition();
  useEffect(() => {
    const prefetch = () => void loadApi();
    if ("requestIdleCallback" in window) {
      const handle = window.requestIdleCallback(prefetch);
      return () => window.cancelIdleCallback(handle);
    }
    const timer = setTimeout(prefetch, 1_000);
    return () => clearTimeout(timer);
  }, []);

  const mutateAsync = async (input: I) => {
    setStatus({ kind: "pending", variables: input });
    try {
      const output = await call(await loadApi(), input);
      setStatus({ kind: "done", variables: input });
      options.onSuccess?.(output, input);
      if (options.refresh !== false) startTransition(() => router.refresh());
      return output;
    } catch (error) {
      setStatus({ kind: "failed", variables: input, error });
      throw error;
    }
  };
  return {
    mutate: (input) => void mutateAsync(input).catch(() => undefined),
    mutateAsync,
    isPending: status.kind === "pending" || (status.kind === "done" && refreshing),
    isError: status.kind === "failed",
    error: status.kind === "failed" ? status.error : null,
    variables: status.variables,
    reset: () => setStatus({ kind: "idle" }),
  };
}
