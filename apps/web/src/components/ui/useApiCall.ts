"use client";

import type { Api } from "~/trpc/client";
import { useAction } from "~/trpc/useAction";

/** One procedure call through the tRPC client, e.g. `(api) => api.catalog.deleteImage.mutate(input)`. */
export type ApiCall = (api: Api) => Promise<unknown>;

/**
 * Runs whichever call it is given as a useAction (the page is rendered again after a success):
 * for a list section whose add, rename and delete are each one call, so that the section holds
 * one action rather than one per procedure. A failure rejects (the form or confirm shows it).
 */
export function useApiCall(): (call: ApiCall) => Promise<unknown> {
  return useAction((api, call: ApiCall) => call(api)).mutateAsync;
}
