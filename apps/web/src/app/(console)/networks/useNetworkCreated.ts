"use client";

import { useRouter } from "next/navigation";
import type { Api } from "~/trpc/client";
import { useAction } from "~/trpc/useAction";

/**
 * An L2 or L3 create, for its form: the new network's page is where to go next, and it is rendered
 * afresh there (as are the lists when next opened). Through useAction, not react-query: a
 * react-query success in a withDataLayer dialog refreshes the page it opened on, and that refresh
 * would cancel this navigation.
 */
export function useNetworkCreate<I>(
  kind: "l2" | "l3",
  call: (api: Api, input: I) => Promise<{ id: string }>,
) {
  const router = useRouter();
  return useAction(call, {
    refresh: false,
    onSuccess: (created) => router.push(`/networks/${kind}/${created.id}`),
  });
}
