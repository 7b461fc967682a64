"use client";

import { Badge } from "~/components/badges";
import { useCan } from "~/components/session";
import { createdColumn, nameColumn } from "~/components/ui/columns";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { useServerListView } from "~/components/ui/useServerList";
import { useNow } from "~/components/useNow";
import type { ShownError } from "~/lib/errors";
import type { RouterOutputs } from "~/trpc/outputs";
import { withDataLayer } from "~/trpc/withDataLayer";
import { LIST_REFRESH_MS, l2List } from "../lists";
import { l2TypeLabel, l2Types, segmentLabel, SriovBadge, sriovFilter } from "../shared";
import type { L2Toggles } from "../toggles";

// The form (and the data layer its queries need) loads when it is first opened.
const CreateL2Dialog = withDataLayer(() =>
  import("./CreateL2Dialog").then((m) => m.CreateL2Dialog),
);

type L2Page = RouterOutputs["networks"]["l2"]["list"];
type L2 = L2Page["items"][number];
type L2Sort = "name" | "type" | "createdAt";
const typeOptions = l2Types.map((t) => ({ value: t, label: l2TypeLabel[t] }));

export function L2ListPage({
  toggles,
  data,
  error,
}: {
  toggles: L2Toggles;
  data: L2Page | null;
  error: ShownError | null;
}) {
  const isAdmin = useCan("inventory.manage");
  const now = useNow();
  const l2s = useServerListView({ data, error }, LIST_REFRESH_MS, l2List);

  const columns: Column<L2, L2Sort>[] = [
    nameColumn({
      name: (l2) => l2.name,
      href: (l2) => `/networks/l2/${l2.id}`,
      sub: (l2) => l2.zoneName,
      // Below 760 px the interface column gives way to the SR-IOV flag; the name's line says it.
      narrowSub: (l2) => (
        <>
          {l2.zoneName} · <code>{l2.physicalInterface}</code>
        </>
      ),
      sort: "name",
    }),
    { key: "type", header: "Type", sort: "type", className: "nowrap", cell: segmentLabel },
    {
      key: "nic",
      header: "Interface",
      secondary: true,
      cell: (l2) => <code>{l2.physicalInterface}</code>,
    },
    { key: "sriov", header: "SR-IOV", cell: (l2) => <SriovBadge enabled={l2.sriovEnabled} /> },
    {
      key: "clusters",
      header: "Clusters",
      secondary: true,
      cell: (l2) =>
        l2.clusterCount === 0 ? (
          <Badge tone="warn" title="No host can use it until a cluster is attached.">
            none
          </Badge>
        ) : (
          // The row names the first few; the L2's page lists them all.
          l2.clusters.map((c) => c.name).join(", ") +
          (l2.clusterCount > l2.clusters.length
            ? ` +${l2.clusterCount - l2.clusters.length} more`
            : "")
        ),
    },
    { key: "l3s", header: "L3s", num: true, secondary: true, cell: (l2) => l2.l3Count },
    createdColumn("createdAt", now),
  ];

  return (
    <ListPage
      title="L2 networks"
      subtitle="Network segments on a physical interface, attached to clusters, with their SR-IOV flag."
      create={
        isAdmin
          ? {
              label: "Create L2 network",
              dialog: (close) => <CreateL2Dialog onClose={close} toggles={toggles} />,
            }
          : null
      }
      {...l2s}
      columns={columns}
      rowTestId="l2-row"
      noun="L2 networks"
      search={{ label: "Search L2 networks", placeholder: "Search by name…" }}
      filters={[
        { key: "type", label: "Type", allLabel: "All types", options: typeOptions },
        sriovFilter,
      ]}
      empty={{
        about:
          "An L2 network is a segment (no VLAN, a VLAN or a VXLAN) on a physical interface of your hosts.",
        othersNote: "An admin has not defined any L2 networks.",
      }}
    />
  );
}
