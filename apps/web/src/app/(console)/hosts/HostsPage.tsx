"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { HostConnectionState } from "@virtfn/db";
import dynamic from "next/dynamic";
import { Badge, ConnectionBadge, IommuBadge } from "~/components/badges";
import { useCan } from "~/components/session";
import { nameColumn, timeColumn } from "~/components/ui/columns";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { listInput, useListParams } from "~/components/ui/useListParams";
import { useNow } from "~/components/useNow";
import { CLUSTER_PICKER_LIMIT, pageItems } from "~/lib/clusters";
import { useTRPC } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/outputs";

// The form loads when it is first opened.
const AddHostDialog = dynamic(() => import("./AddHostDialog").then((m) => m.AddHostDialog));

type Host = RouterOutputs["hosts"]["list"]["items"][number];
type HostSort = "name" | "createdAt" | "connectionState";
const connectionStates = [
  "Connected",
  "Connecting",
  "Disconnected",
] as const satisfies readonly HostConnectionState[];
const stateOptions = connectionStates.map((s) => ({ value: s, label: s }));

export function HostsPage() {
  const trpc = useTRPC();
  const isAdmin = useCan("inventory.manage");
  const now = useNow();
  const list = useListParams({
    sorts: ["name", "createdAt", "connectionState"] as const,
    defaultSort: "name",
    filters: ["cluster", "state"] as const,
  });
  const clusters = useQuery({
    ...trpc.inventory.clusters.queryOptions({ limit: CLUSTER_PICKER_LIMIT }),
    select: pageItems,
  });
  const hosts = useQuery({
    ...trpc.hosts.list.queryOptions({
      ...listInput(list),
      clusterId: list.filters.cluster,
      connectionState: connectionStates.find((s) => s === list.filters.state),
    }),
    placeholderData: keepPreviousData,
    // Hosts that are connecting change soon: poll them; otherwise refresh now and then.
    refetchInterval: (query) =>
      query.state.data?.items.some((h) => h.connectionState === "Connecting") ? 1500 : 15_000,
  });

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
    timeColumn({ key: "added", header: "Added", at: (h) => h.createdAt, now, sort: "createdAt" }),
  ];

  return (
    <ListPage
      title="Hosts"
      subtitle="KVM hosts, their IOMMU readiness and SR-IOV capacity."
      create={
        isAdmin
          ? {
              label: "Add host",
              dialog: (close) => (
                <AddHostDialog open onClose={close} clusters={clusters.data ?? []} />
              ),
            }
          : null
      }
      list={list}
      query={hosts}
      columns={columns}
      rowKey={(host) => host.id}
      rowTestId="host-row"
      noun="hosts"
      className="hosts-table"
      search={{ label: "Search hosts", placeholder: "Search by name…" }}
      filters={[
        {
          key: "cluster",
          label: "Cluster",
          allLabel: "All clusters",
          options: (clusters.data ?? []).map((c) => ({
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
