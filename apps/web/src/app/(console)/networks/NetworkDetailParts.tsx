import type { ReactNode } from "react";
import { LastShown } from "~/components/detail/LastShown";
import { LiveRefresh } from "~/components/LiveRefresh";
import type { DetailList } from "~/components/ui/DetailGate";
import type { ShownError } from "~/lib/errors";

// What an L2's and an L3's page do alike: the page rendered on the server and rendered again while
// it is open, its gate while the network is missing (NetworkHeader.tsx is their head).

/** VFs come and go as VMs start and stop: the page (its VF availability most) is read again this often. */
const REFRESH_MS = 10_000;

export type NetworkKind = "L2" | "L3";

export const NETWORK_LISTS: Record<NetworkKind, DetailList> = {
  L2: { label: "L2 networks", href: "/networks/l2" },
  L3: { label: "L3 networks", href: "/networks/l3" },
};

/**
 * A network's page from the server's answer: its view, or while there is no network to show, the
 * gate (not found, with the way back, or the error to retry). After a failed refresh the last view
 * stays, with the failure in the header.
 */
export function NetworkDetailPage({
  kind,
  id,
  error,
  view,
}: {
  kind: NetworkKind;
  id: string;
  error: ShownError | null;
  /** The network's view, null when its read failed. */
  view: ReactNode;
}) {
  return (
    <>
      <LiveRefresh ms={REFRESH_MS} />
      <LastShown
        itemKey={id}
        view={view}
        error={error}
        noun={`${kind} network`}
        list={NETWORK_LISTS[kind]}
      />
    </>
  );
}
