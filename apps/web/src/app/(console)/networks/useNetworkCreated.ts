"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "~/trpc/react";

/**
 * After an L2 or L3 create: the network lists and the SR-IOV views (which count networks) are
 * stale, and the new network's page is where to go next.
 */
export function useNetworkCreated(kind: "l2" | "l3"): (created: { id: string }) => void {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return (created) => {
    void queryClient.invalidateQueries(trpc.networks.pathFilter());
    void queryClient.invalidateQueries(trpc.sriov.pathFilter());
    router.push(`/networks/${kind}/${created.id}`);
  };
}
