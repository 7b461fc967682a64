"use client";

import { useState } from "react";
import { lazyComponent } from "~/components/lazyComponent";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { ListSection } from "~/components/ui/ListSection";
import type { Column, ListPage } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { sectionForm, type SectionDialog } from "~/components/ui/form-create";
import { useApiCall, type ApiCall } from "~/components/ui/useApiCall";
import { useListParams } from "~/components/ui/useListParams";
import { useServerList } from "~/components/ui/useServerList";
import { errorData } from "~/lib/shown-error";
import type { RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";

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
      <EntrySection
        what="zone"
        title="Zones"
        page={zones}
        columns={zoneColumns}
        empty="No zones yet. Create one, then a cluster in it, before adding hosts."
        emptyMeans="no clusters, L2 networks or VXLAN pools"
        canEdit={canEdit}
        rename={(zone, name) => (api) => api.inventory.renameZone.mutate({ zoneId: zone.id, name })}
        remove={(zone) => (api) => api.inventory.deleteZone.mutate({ zoneId: zone.id })}
        add={{
          label: "Add zone",
          dialog: sectionForm(AddZoneDialog, (api, values) =>
            api.inventory.createZone.mutate(values),
          ),
        }}
      />
      <EntrySection
        what="cluster"
        title="Clusters"
        page={clusters}
        paged
        columns={clusterColumns}
        empty="No clusters yet. Hosts are added into a cluster."
        emptyMeans="no hosts, VMs or attached L2 networks"
        canEdit={canEdit}
        rename={(cluster, name) => (api) =>
          api.inventory.renameCluster.mutate({ clusterId: cluster.id, name })
        }
        remove={(cluster) => (api) => api.inventory.deleteCluster.mutate({ clusterId: cluster.id })}
        add={
          zoneOptions.length > 0
            ? {
                label: "Add cluster",
                dialog: (close, run) => (
                  <AddClusterDialog
                    zones={zoneOptions}
                    onClose={close}
                    onSubmit={(values) => run((api) => api.inventory.createCluster.mutate(values))}
                  />
                ),
              }
            : undefined
        }
      />
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
  rename: (row: Named, name: string) => ApiCall;
  remove: (row: Named) => ApiCall;
  /** The add form, given how to close it and how to run its call; left out when none can be added. */
  add?: {
    label: string;
    dialog: SectionDialog;
  };
  /** The paged list (clusters): its cursor and size are in the URL, and the section shows the pager. */
  paged?: boolean;
}

/**
 * A zone or cluster list: for editors, Add, and on each row Rename and Delete (which asks first
 * and names what blocks it).
 */
function EntrySection<T extends Named>(props: EntrySectionProps<T>) {
  const { what, page, canEdit, add } = props;
  const query = useServerList(page.data, page.error, REFRESH_MS);
  const list = useListParams();
  const run = useApiCall();
  const [renaming, setRenaming] = useState<Named | null>(null);
  return (
    <>
      <ListSection
        title={props.title}
        noun={`${what}s`}
        query={query}
        list={props.paged ? list : undefined}
        columns={props.columns}
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
                        action: () => run(props.remove(row)),
                        explainError: (error) => <Blockers error={error} />,
                      },
                    },
                  ]}
                />
              )
            : undefined
        }
        add={
          canEdit && add
            ? { label: add.label, dialog: (close) => add.dialog(close, run) }
            : undefined
        }
      />
      {renaming ? (
        <RenameDialog
          what={what}
          row={renaming}
          onClose={() => setRenaming(null)}
          onSubmit={({ name }) => run(props.rename(renaming, name))}
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

const clusterColumns: Column<Cluster>[] = [
  { key: "name", header: "Name", className: "strong", cell: (c) => c.name },
  { key: "zone", header: "Zone", cell: (c) => c.zoneName },
  { key: "hypervisor", header: "Hypervisor", secondary: true, cell: (c) => c.hypervisor },
  { key: "hosts", header: "Hosts", num: true, cell: (c) => c.hostCount },
];
