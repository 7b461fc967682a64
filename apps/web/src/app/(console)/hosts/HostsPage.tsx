"use client";

import type { ClusterView } from "@virtfn/core";
import { Badge, ConnectionBadge, IommuBadge } from "~/components/badges";
import { useCan } from "~/components/session";
import { nameColumn, timeColumn } from "~/components/ui/columns";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { useServerListView } from "~/components/ui/useServerList";
import { useNow } from "~/components/useNow";
import type { ShownError } from "~/lib/errors";
import type { RouterOutputs } from "~/trpc/outputs";
import { withDataLayer } from "~/trpc/withDataLayer";
import { connectionStates, hostsList } from "./hosts-list";

// The form and the connect operation's progress (queried in the browser) load when first opened.
const AddHostDialog = withDataLayer(() => import("./AddHostDialog").then((m) => m.AddHostDialog));

type HostPage = RouterOutputs["hosts"]["list"];
type Host = HostPage["items"][number];
type HostSort = (typeof hostsList.sorts)[number];
const stateOptions = connectionStates.map((s) => ({ value: s, label: s }));

export function HostsPage({
  data,
  error,
  clusters,
}: {
  data: HostPage | null;
  error: ShownError | null;
  clusters: ClusterView[];
}) {
  const isAdmin = useCan("inventory.manage");
  const now = useNow();
  // Hosts that are connecting change soon: refresh fast then; otherwise now and then.
  const connecting = data?.items.some((h) => h.connectionState === "Connecting") ?? false;
  const hosts = useServerListView({ data, error }, connecting ? 1500 : 15_000, hostsList);

  const columns: Column<Host, HostSort>[] = [
    nameColumn({
      name: (host) => host.name,
      href: (host) => `/hosts/${host.id}`,
      sub: (host) => host.agentUrl,
      narrowSub: (host) => host.clusterName,
      sort: "name",
    }),
    {
      key: "cluster",
      header: "Cluster",
      secondary: true,
      cell: (host) => (
        <>
          {host.clusterName}
          <div className="sub">{host.zoneName}</div>
        </>
      ),
    },
    {
      key: "connection",
      header: "Connection",
      sort: "connectionState",
      cell: (host) => (
        <>
          <ConnectionBadge state={host.connectionState} reason={host.connectionReason} />
          {host.maintenance ? (
            <div className="sub" data-testid="host-maintenance">
              <Badge tone="warn" title="No new VMs are placed on this host.">
                Maintenance
              </Badge>
            </div>
          ) : null}
        </>
      ),
    },
    {
      key: "iommu",
      header: "IOMMU",
      cell: (host) => <IommuBadge iommu={host.iommu} seen={host.lastSeenAt !== null} />,
    },
    { key: "pfs", header: "PFs", num: true, cell: (host) => host.pfCount },
    {
      key: "vfs",
      header: "VFs avail / total",
      num: true,
      cell: (host) => `${host.vfAvailable} / ${host.vfTotal}`,
    },
    {
      key: "pci",
      header: "PCI held / assignable",
      num: true,
      cell: (host) => `${host.pciHeld} / ${host.pciAssignable}`,
    },
    timeColumn({ key: "seen", header: "Last seen", at: (h) => h.lastSeenAt, now }),
    timeColumn({
      key: "added",
      header: "Added",
      at: (h) => h.createdAt,
      now,
      sort: "createdAt",
    }),
  ];

  return (
    <ListPage
      title="Hosts"
      subtitle="KVM hosts, their IOMMU readiness and SR-IOV capacity."
      create={
        isAdmin
          ? {
              label: "Add host",
              dialog: (close) => <AddHostDialog onClose={close} clusters={clusters} />,
            }
          : null
      }
      {...hosts}
      columns={columns}
      rowTestId="host-row"
      noun="hosts"
      className="hosts-table"
      search={{ label: "Search hosts", placeholder: "Search by name…" }}
      filters={[
        {
          key: "cluster",
          label: "Cluster",
          allLabel: "All clusters",
          options: clusters.map((c) => ({
            value: c.id,
            label: `${c.zoneName} / ${c.name}`,
          })),
        },
        { key: "state", label: "Connection", allLabel: "All states", options: stateOptions },
      ]}
      empty={{
        about: "Add a KVM host running the virtfn agent to see its NICs and split them into VFs.",
        othersNote: "An admin has not added any hosts.",
      }}
    />
  );
}
