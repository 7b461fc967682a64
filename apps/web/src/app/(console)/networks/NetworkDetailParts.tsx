"use client";

import { useQueryClient, type DataTag, type QueryKey } from "@tanstack/react-query";
import type { Verdict } from "@virtfn/core";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { useCan } from "~/components/session";
import { ActionBar } from "~/components/ui/ActionBar";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { useTRPC } from "~/trpc/react";
import styles from "./NetworkDetail.module.css";
import { refusal } from "./shared";

// What an L2's and an L3's page do alike: the admin's header actions ending in the delete, the
// way back to the list after it, and how a change made on the page reaches the other views.

/** The header's action group, admins only: the page's own actions, then Delete with core's verdict. */
export function NetworkActions({
  kind,
  name,
  deleteVerdict,
  deleteBody,
  onDelete,
  children,
}: {
  kind: "L2" | "L3";
  name: string;
  deleteVerdict: Verdict;
  /** What a delete removes and what still stops it, for the confirm. */
  deleteBody: ReactNode;
  onDelete: () => Promise<unknown>;
  children?: ReactNode;
}) {
  const isAdmin = useCan("inventory.manage");
  if (!isAdmin) return null;
  const prefix = kind.toLowerCase();
  return (
    <ActionBar label={`${kind} network actions`} className={styles.headerActions}>
      {children}
      <ActionConfirm
        label={`Delete ${kind}`}
        disabledReason={refusal(deleteVerdict)}
        testId={`${prefix}-delete`}
        reasonId={`${prefix}-delete-reason`}
        title={`Delete ${kind} network ${name}?`}
        body={deleteBody}
        confirmLabel={`Delete ${kind}`}
        danger
        action={onDelete}
      />
    </ActionBar>
  );
}

/** After a delete: the network lists are stale and the page's network is gone, so back to its list. */
export function useBackToListAfterDelete(kind: "l2" | "l3"): () => void {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries(trpc.networks.pathFilter());
    router.push(`/networks/${kind}`);
  };
}

/**
 * After a change on the page (SR-IOV, VF port policy): the page shows the answer at once; the
 * lists and the VF availability that depend on the network's SR-IOV settings reload.
 */
export function useShowNetworkUpdate<T>(
  queryKey: DataTag<QueryKey, T, unknown>,
): (updated: T) => void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return (updated) => {
    queryClient.setQueryData(queryKey, updated);
    void queryClient.invalidateQueries(trpc.networks.pathFilter());
    void queryClient.invalidateQueries(trpc.sriov.pathFilter());
  };
}
