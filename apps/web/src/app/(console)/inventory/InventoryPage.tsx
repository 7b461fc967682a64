"use client";

import { useState } from "react";
import { lazyComponent } from "~/components/lazyComponent";
import { ActionMenu } from "~/components/ui/ActionMenu";
import type { CreateDialogSpec } from "~/components/ui/ListPage";
import { ListSection } from "~/components/ui/ListSection";
import type { Column, ListPage } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { useListParams } from "~/components/ui/useListParams";
import { useServerList } from "~/components/ui/useServerList";
import { errorData } from "~/lib/errors";
import type { RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { useAction } from "~/trpc/useAction";

// The forms (zod, react-hook-form) load when one is first opened.
const AddZoneDialog = lazyComponent(() => import("./InventoryForms").then((m) => m.AddZoneDialog));
const AddClusterDialog = lazyComponent(() =>
  import("./InventoryForms").then((m) => m.AddClusterDialog),
);
const RenameDialog = lazyComponent(() => import("./InventoryForms").then((m) => m.RenameDialog));

type Zone = RouterOutputs["inventory"]["zones"][number];
type ClusterPage = RouterOutputs["inventory"]["clusters"];
type Cluster = ClusterPage["items"][number];

/** The lists had no interval before (react-query refetched on focus): a slow one keeps them fresh. */
const REFRESH_MS = 30_000;

interface Named {
  id: string;
  name: string;
}

export function InventoryPage({
  canEdit,
  zones,
  clusters,
}: {
  canEdit: boolean;
  zones: Settled<ListPage<Zone>>;
  clusters: Settled<ClusterPage>;
}) {
  const zoneOptions = (zones.data?.items ?? []).map((z) => ({ value: z.id, label: z.name }));
  return (
    <>
      <PageHeader
        title="Zones & clusters"
        subtitle="A zone holds clusters, L2 networks and VXLAN pools; a cluster holds KVM hosts. Either can be deleted only once it is empty."
      />
      <Zones canEdit={canEdit} {...zones} />
      <Clusters canEdit={canEdit} zoneOptions={zoneOptions} {...clusters} />
    </>
  );
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

interface EntrySectionProps<T extends Named> {
  what: "zone" | "cluster";
  title: string;
  page: Settled<ListPage<T>>;
  columns: readonly Column<T>[];
  empty: string;
  /** What an empty one has none of, for the delete confirm. */
  emptyMeans: string;
  canEdit: boolean;
  add: CreateDialogSpec | undefined;
  rename: (row: Named, name: string) => Promise<unknown>;
  remove: (row: Named) => Promise<unknown>;
  /** Only the paged list (clusters) passes its URL params; its section then shows the pager. */
  paged?: boolean;
}

/**
 * A zone or cluster list: for editors, Add, and on each row Rename and Delete (which asks first
 * and names what blocks it).
 */
function EntrySection<T extends Named>(props: EntrySectionProps<T>) {
  const { what, page, canEdit } = props;
  const query = useServerList(page.data, page.error, REFRESH_MS);
  const list = useListParams();
  const [renaming, setRenaming] = useState<Named | null>(null);
  return (
    <>
      <ListSection
        title={props.title}
        noun={`${what}s`}
        query={query}
        list={props.paged ? list : undefined}
        columns={props.columns}
        rowKey={(row) => row.id}
        rowTestId={`${what}-row`}
        empty={<p>{props.empty}</p>}
        rowActions={
          canEdit
            ? (row) => (
                <ActionMenu
                  ariaLabel={`Actions for ${row.name}`}
                  items={[
                    { label: "Rename", onSelect: () => setRenaming(row) },
                    {
                      label: "Delete",
                      danger: true,
                      confirm: {
                        title: `Delete ${what} ${row.name}?`,
                        body: `Only an empty ${what} can be deleted: ${props.emptyMeans}.`,
                        confirmLabel: `Delete ${what}`,
                        danger: true,
                        action: () => props.remove(row),
                        explainError: (error) => <Blockers error={error} />,
                      },
                    },
                  ]}
                />
              )
            : undefined
        }
        add={canEdit ? props.add : undefined}
      />
      {renaming ? (
        <RenameDialog
          what={what}
          row={renaming}
          onClose={() => setRenaming(null)}
          onSubmit={({ name }) => props.rename(renaming, name)}
        />
      ) : null}
    </>
  );
}

const zoneColumns: Column<Zone>[] = [
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

function Zones({ canEdit, ...page }: Settled<ListPage<Zone>> & { canEdit: boolean }) {
  const create = useAction((api, input: { name: string; description?: string | undefined }) =>
    api.inventory.createZone.mutate(input),
  );
  const rename = useAction((api, input: { zoneId: string; name: string }) =>
    api.inventory.renameZone.mutate(input),
  );
  const remove = useAction((api, input: { zoneId: string }) =>
    api.inventory.deleteZone.mutate(input),
  );
  return (
    <EntrySection
      what="zone"
      title="Zones"
      page={page}
      columns={zoneColumns}
      empty="No zones yet. Create one, then a cluster in it, before adding hosts."
      emptyMeans="no clusters, L2 networks or VXLAN pools"
      canEdit={canEdit}
      rename={(zone, name) => rename.mutateAsync({ zoneId: zone.id, name })}
      remove={(zone) => remove.mutateAsync({ zoneId: zone.id })}
      add={{
        label: "Add zone",
        dialog: (close) => <AddZoneDialog onClose={close} onSubmit={create.mutateAsync} />,
      }}
    />
  );
}

const clusterColumns: Column<Cluster>[] = [
  { key: "name", header: "Name", className: "strong", cell: (c) => c.name },
  { key: "zone", header: "Zone", cell: (c) => c.zoneName },
  { key: "hypervisor", header: "Hypervisor", secondary: true, cell: (c) => c.hypervisor },
  { key: "hosts", header: "Hosts", num: true, cell: (c) => c.hostCount },
];

function Clusters({
  canEdit,
  zoneOptions,
  ...page
}: Settled<ClusterPage> & {
  canEdit: boolean;
  zoneOptions: { value: string; label: string }[];
}) {
  const create = useAction((api, input: { zoneId: string; name: string }) =>
    api.inventory.createCluster.mutate(input),
  );
  const rename = useAction((api, input: { clusterId: string; name: string }) =>
    api.inventory.renameCluster.mutate(input),
  );
  const remove = useAction((api, input: { clusterId: string }) =>
    api.inventory.deleteCluster.mutate(input),
  );
  return (
    <EntrySection
      what="cluster"
      title="Clusters"
      page={page}
      paged
      columns={clusterColumns}
      empty="No clusters yet. Hosts are added into a cluster."
      emptyMeans="no hosts, VMs or attached L2 networks"
      canEdit={canEdit}
      rename={(cluster, name) => rename.mutateAsync({ clusterId: cluster.id, name })}
      remove={(cluster) => remove.mutateAsync({ clusterId: cluster.id })}
      add={
        zoneOptions.length > 0
          ? {
              label: "Add cluster",
              dialog: (close) => (
                <AddClusterDialog
                  zones={zoneOptions}
                  onClose={close}
                  onSubmit={create.mutateAsync}
                />
              ),
            }
          : undefined
      }
    />
  );
}
