"use client";

import type { Verdict } from "@virtfn/core";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { RefreshError } from "~/components/detail/LastShown";
import { useCan } from "~/components/session";
import { ActionBar } from "~/components/ui/ActionBar";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { useAction } from "~/trpc/useAction";
import styles from "./NetworkDetail.module.css";
import { NETWORK_LISTS, type NetworkKind } from "./NetworkDetailParts";
import { refusal } from "./shared";

/**
 * A network page's head (DetailHeader) with the admin's actions: the page's own, then Delete with
 * core's verdict. After a delete the network is gone, so the way is back to its list.
 */
export function NetworkHeader({
  kind,
  network,
  badges,
  subtitle,
  deleteBody,
  children,
}: {
  kind: NetworkKind;
  network: { id: string; name: string; actions: { delete: Verdict } };
  badges: ReactNode;
  subtitle: ReactNode;
  /** What a delete removes and what still stops it, for the confirm. */
  deleteBody: ReactNode;
  /** The page's own actions, before Delete. */
  children?: ReactNode;
}) {
  const isAdmin = useCan("inventory.manage");
  const router = useRouter();
  const remove = useAction(
    (api, _: void) =>
      kind === "L2"
        ? api.networks.l2.delete.mutate({ l2Id: network.id })
        : api.networks.l3.delete.mutate({ l3Id: network.id }),
    { refresh: false, onSuccess: () => router.push(NETWORK_LISTS[kind].href) },
  );
  const prefix = kind.toLowerCase();
  const actions = isAdmin ? (
    <ActionBar label={`${kind} network actions`} className={styles.headerActions}>
      {children}
      <ActionConfirm
        label={`Delete ${kind}`}
        disabledReason={refusal(network.actions.delete)}
        testId={`${prefix}-delete`}
        reasonId={`${prefix}-delete-reason`}
        title={`Delete ${kind} network ${network.name}?`}
        body={deleteBody}
        confirmLabel={`Delete ${kind}`}
        danger
        action={() => remove.mutateAsync()}
      />
    </ActionBar>
  ) : null;
  return (
    <>
      <DetailHeader
        list={NETWORK_LISTS[kind]}
        name={network.name}
        badges={badges}
        subtitle={subtitle}
        actions={actions}
        refreshError={null}
      />
      <RefreshError />
    </>
  );
}
