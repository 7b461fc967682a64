"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useState } from "react";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { asPage, type Column } from "~/components/ui/ListView";
import { ListSection } from "~/components/ui/ListSection";
import { PageHeader } from "~/components/ui/PageHeader";
import { useListParams } from "~/components/ui/useListParams";
import { errorData } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/outputs";

// The forms (zod, react-hook-form) load when one is first opened.
const AddZoneDialog = dynamic(() => import("./InventoryForms").then((m) => m.AddZoneDialog));
const AddClusterDialog = dynamic(() => import("./InventoryForms").then((m) => m.AddClusterDialog));
const RenameZoneDialog = dynamic(() => import("./InventoryForms").then((m) => m.RenameZoneDialog));
const RenameClusterDialog = dynamic(() =>
  import("./InventoryForms").then((m) => m.RenameClusterDialog),
);

type Zone = RouterOutputs["inventory"]["zones"][number];
type Cluster = RouterOutputs["inventory"]["clusters"]["items"][number];

interface Named {
  id: string;
  name: string;
}

export function InventoryPage({ canEdit }: { canEdit: boolean }) {
  return (
    <>
      <PageHeader
        title="Zones & clusters"
        subtitle="A zone holds clusters, L2 networks and VXLAN pools; a cluster holds KVM hosts. Either can be deleted only once it is empty."
      />
      <Zones canEdit={canEdit} />
      <Clusters canEdit={canEdit} />
    </>
  );
}

function useInventoryMutations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return { onSuccess: () => queryClient.invalidateQueries(trpc.inventory.pathFilter()) };
}

/** The resources a refused delete names in `details` (ZONE_NOT_EMPTY, CLUSTER_NOT_EMPTY). */
function Blockers({ error }: { error: unknown }) {
  const details = errorData(error).details ?? {};
  const groups: Array<[string, string]> = [
    ["clusters", "Clusters"],
    ["l2Networks", "L2 networks"],
    ["vxlanPools", "VXLAN pools"],
    ["hosts", "Hosts"],
    ["vms", "VMs"],
  ];
  const lists = groups
    .map(([key, label]) => [label, (details[key] as Named[] | undefined) ?? []] as const)
    .filter(([, items]) => items.length > 0);
  if (lists.length === 0) return null;
  return (
    <div className="blockers" data-testid="delete-blockers">
      {lists.map(([label, items]) => (
        <p key={label}>
          <strong>{label}:</strong> {items.map((item) => item.name).join(", ")}
        </p>
      ))}
    </div>
  );
}

/** Rename and Delete (which asks first and names what blocks it). */
function rowMenu(
  row: Named,
  what: string,
  onRename: () => void,
  remove: () => Promise<unknown>,
  emptyMeans: string,
) {
  return (
    <ActionMenu
      ariaLabel={`Actions for ${row.name}`}
      items={[
        { label: "Rename", onSelect: onRename },
        {
          label: "Delete",
          danger: true,
          confirm: {
            title: `Delete ${what} ${row.name}?`,
            body: `Only an empty ${what} can be deleted: ${emptyMeans}.`,
            confirmLabel: `Delete ${what}`,
            danger: true,
            action: remove,
            explainError: (error) => <Blockers error={error} />,
          },
        },
      ]}
    />
  );
}

function Zones({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const done = useInventoryMutations();
  const zones = useQuery(trpc.inventory.zones.queryOptions());
  const [renaming, setRenaming] = useState<Named | null>(null);
  const create = useMutation(trpc.inventory.createZone.mutationOptions(done));
  const rename = useMutation(trpc.inventory.renameZone.mutationOptions(done));
  const remove = useMutation(trpc.inventory.deleteZone.mutationOptions(done));
  const columns: Column<Zone>[] = [
    { key: "name", header: "Name", className: "strong", cell: (z) => z.name },
    {
      key: "description",
      header: "Description",
      secondary: true,
      className: "muted",
      cell: (z) => z.description || "—",
    },
    { key: "clusters", header: "Clusters", num: true, cell: (z) => z._count.clusters },
    {
      key: "l2s",
      header: "L2 networks",
      num: true,
      secondary: true,
      cell: (z) => z._count.l2Networks,
    },
    {
      key: "pools",
      header: "VXLAN pools",
      num: true,
      secondary: true,
      cell: (z) => z._count.vxlanPools,
    },
  ];
  return (
    <>
      <ListSection
        title="Zones"
        noun="zones"
        query={asPage(zones)}
        columns={columns}
        rowKey={(z) => z.id}
        rowTestId="zone-row"
        empty={<p>No zones yet. Create one, then a cluster in it, before adding hosts.</p>}
        rowActions={
          canEdit
            ? (z) =>
                rowMenu(
                  z,
                  "zone",
                  () => setRenaming(z),
                  () => remove.mutateAsync({ zoneId: z.id }),
                  "no clusters, L2 networks or VXLAN pools",
                )
            : undefined
        }
        add={
          canEdit
            ? {
                label: "Add zone",
                dialog: (close) => (
                  <AddZoneDialog
                    onClose={close}
                    onSubmit={(values) => create.mutateAsync(values)}
                  />
                ),
              }
            : undefined
        }
      />
      {renaming ? (
        <RenameZoneDialog
          zone={renaming}
          onClose={() => setRenaming(null)}
          onSubmit={(values) => rename.mutateAsync(values)}
        />
      ) : null}
    </>
  );
}

function Clusters({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const done = useInventoryMutations();
  // Hundreds in a large fleet: paged, the page's cursor and size in the URL.
  const list = useListParams();
  const clusters = useQuery({
    ...trpc.inventory.clusters.queryOptions({ cursor: list.cursor, limit: list.limit }),
    placeholderData: keepPreviousData,
  });
  const zones = useQuery(trpc.inventory.zones.queryOptions());
  const [renaming, setRenaming] = useState<Named | null>(null);
  const create = useMutation(trpc.inventory.createCluster.mutationOptions(done));
  const rename = useMutation(trpc.inventory.renameCluster.mutationOptions(done));
  const remove = useMutation(trpc.inventory.deleteCluster.mutationOptions(done));
  const columns: Column<Cluster>[] = [
    { key: "name", header: "Name", className: "strong", cell: (c) => c.name },
    { key: "zone", header: "Zone", cell: (c) => c.zoneName },
    { key: "hypervisor", header: "Hypervisor", secondary: true, cell: (c) => c.hypervisor },
    { key: "hosts", header: "Hosts", num: true, cell: (c) => c.hostCount },
  ];
  const zoneOptions = (zones.data ?? []).map((z) => ({ value: z.id, label: z.name }));
  return (
    <>
      <ListSection
        title="Clusters"
        noun="clusters"
        query={clusters}
        list={list}
        columns={columns}
        rowKey={(c) => c.id}
        rowTestId="cluster-row"
        empty={<p>No clusters yet. Hosts are added into a cluster.</p>}
        rowActions={
          canEdit
            ? (c) =>
                rowMenu(
                  c,
                  "cluster",
                  () => setRenaming(c),
                  () => remove.mutateAsync({ clusterId: c.id }),
                  "no hosts, VMs or attached L2 networks",
                )
            : undefined
        }
        add={
          canEdit && zoneOptions.length > 0
            ? {
                label: "Add cluster",
                dialog: (close) => (
                  <AddClusterDialog
                    zones={zoneOptions}
                    onClose={close}
                    onSubmit={(values) => create.mutateAsync(values)}
                  />
                ),
              }
            : undefined
        }
      />
      {renaming ? (
        <RenameClusterDialog
          cluster={renaming}
          onClose={() => setRenaming(null)}
          onSubmit={(values) => rename.mutateAsync(values)}
        />
      ) : null}
    </>
  );
}
