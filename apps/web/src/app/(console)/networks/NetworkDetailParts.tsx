"use client";

import type { Verdict } from "@virtfn/core";
import { useRouter } from "next/navigation";
import type { ReactNode } from "react";
import { useCan } from "~/components/session";
import { ActionBar } from "~/components/ui/ActionBar";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { DetailGate, isNotFound, type DetailList } from "~/components/ui/DetailGate";
import { DetailHeader } from "~/components/ui/DetailHeader";
import { useLiveRefresh } from "~/components/useLiveRefresh";
import type { ShownError } from "~/lib/errors";
import type { Api } from "~/trpc/client";
import type { Settled } from "~/trpc/server";
import { useAction } from "~/trpc/useAction";
import styles from "./NetworkDetail.module.css";
import { refusal } from "./shared";
import { useLastShown } from "~/components/ui/useLastShown";

// What an L2's and an L3's page do alike: the page rendered on the server and refreshed while it
// is open, its gate while the network is missing, and its head with the admin's actions ending in
// the delete, and the way back to the list after it.

/** VFs come and go as VMs start and stop: the page (its VF availability most) is read again this often. */
const REFRESH_MS = 10_000;

export type NetworkKind = "L2" | "L3";

const LISTS: Record<NetworkKind, DetailList> = {
  L2: { label: "L2 networks", href: "/networks/l2" },
  L3: { label: "L3 networks", href: "/networks/l3" },
};

/**
 * A network's page from the server's answer: the network's panels, or while there is no network
 * to show, loading's gate (not found, with the way back, or the error to retry). After a failed
 * refresh the last answer stays, with the failure in the header (`refreshError`).
 */
export function NetworkDetailFrame<T>({
  kind,
  id,
  network,
  children,
}: {
  kind: NetworkKind;
  id: string;
  network: Settled<T>;
  children: (network: T, refreshError: ShownError | null) => ReactNode;
}) {
  const refresh = useLiveRefresh(REFRESH_MS);
  const shown = useLastShown(network.data, id);
  if (!shown || isNotFound(network.error))
    return (
      <DetailGate
        query={{ isPending: false, error: network.error, refetch: refresh.now }}
        noun={`${kind} network`}
        list={LISTS[kind]}
      />
    );
  return children(shown, network.error);
}

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
  onDelete,
  refreshError,
  children,
}: {
  kind: NetworkKind;
  network: { name: string; actions: { delete: Verdict } };
  badges: ReactNode;
  subtitle: ReactNode;
  /** What a delete removes and what still stops it, for the confirm. */
  deleteBody: ReactNode;
  onDelete: (api: Api) => Promise<unknown>;
  refreshError: ShownError | null;
  /** The page's own actions, before Delete. */
  children?: ReactNode;
}) {
  const isAdmin = useCan("inventory.manage");
  const router = useRouter();
  const remove = useAction((api, _: void) => onDelete(api), {
    refresh: false,
    onSuccess: () => router.push(LISTS[kind].href),
  });
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
    <DetailHeader
      list={LISTS[kind]}
      name={network.name}
      badges={badges}
      subtitle={subtitle}
      actions={actions}
      refreshError={refreshError}
    />
  );
}
