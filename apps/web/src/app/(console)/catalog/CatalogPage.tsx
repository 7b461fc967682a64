"use client";

import { lazyComponent } from "~/components/lazyComponent";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { ListSection } from "~/components/ui/ListSection";
import type { Column, ListPage } from "~/components/ui/ListView";
import { PageHeader } from "~/components/ui/PageHeader";
import { sectionForm, type SectionDialog } from "~/components/ui/form-create";
import { useApiCall, type ApiCall } from "~/components/ui/useApiCall";
import { useServerList } from "~/components/ui/useServerList";
import { memory } from "~/lib/format";
import type { RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";

// The add forms (zod, react-hook-form) load when one is first opened.
const AddOfferingDialog = lazyComponent(() =>
  import("./CatalogForms").then((m) => m.AddOfferingDialog),
);
const AddImageDialog = lazyComponent(() => import("./CatalogForms").then((m) => m.AddImageDialog));

type Offering = RouterOutputs["catalog"]["offerings"][number];
type Image = RouterOutputs["catalog"]["images"][number];

/** The lists had no interval before (react-query refetched on focus): a slow one keeps them fresh. */
const REFRESH_MS = 30_000;

export function CatalogPage({
  offerings,
  images,
}: {
  offerings: Settled<ListPage<Offering>>;
  images: Settled<ListPage<Image>>;
}) {
  return (
    <>
      <PageHeader
        title="Catalog"
        subtitle="Instance offerings and images tenants pick when they create VMs."
      />
      <CatalogSection
        what="offering"
        title="Instance offerings"
        page={offerings}
        columns={offeringColumns}
        remove={(id) => (api) => api.catalog.deleteOffering.mutate({ offeringId: id })}
        add={sectionForm(AddOfferingDialog, (api, values) =>
          api.catalog.createOffering.mutate(values),
        )}
      />
      <CatalogSection
        what="image"
        title="Images"
        page={images}
        columns={imageColumns}
        remove={(id) => (api) => api.catalog.deleteImage.mutate({ imageId: id })}
        add={sectionForm(AddImageDialog, (api, values) => api.catalog.createImage.mutate(values))}
      />
    </>
  );
}

const offeringColumns: Column<Offering>[] = [
  { key: "name", header: "Name", className: "strong", cell: (o) => o.name },
  { key: "vcpus", header: "vCPUs", num: true, cell: (o) => o.vcpus },
  { key: "memory", header: "Memory", num: true, cell: (o) => memory(o.memoryMiB) },
  { key: "numa", header: "VF NUMA", secondary: true, cell: (o) => o.vfNumaPolicy },
  { key: "vms", header: "VMs", num: true, cell: (o) => o.vmCount },
];

const imageColumns: Column<Image>[] = [
  { key: "name", header: "Name", className: "strong", cell: (i) => i.name },
  { key: "format", header: "Format", cell: (i) => i.format },
  { key: "size", header: "Size", num: true, cell: (i) => `${i.sizeGiB} GiB` },
  { key: "vms", header: "VMs", num: true, cell: (i) => i.vmCount },
];

interface Entry {
  id: string;
  name: string;
  vmCount: number;
}

/**
 * Offerings or images: the list, Add, and on each row Delete, greyed out with the reason while
 * VMs use the entry.
 */
function CatalogSection<T extends Entry>({
  what,
  title,
  page,
  columns,
  remove,
  add,
}: {
  what: "offering" | "image";
  title: string;
  page: Settled<ListPage<T>>;
  columns: readonly Column<T>[];
  remove: (id: string) => ApiCall;
  /** The add form, given how to close it and how to run its call. */
  add: SectionDialog;
}) {
  const query = useServerList(page.data, page.error, REFRESH_MS);
  const run = useApiCall();
  return (
    <ListSection
      title={title}
      noun={`${what}s`}
      query={query}
      columns={columns}
      rowTestId={`${what}-row`}
      empty={<p>No {what}s yet: tenants cannot create VMs until there is one.</p>}
      rowActions={(row) => (
        <ActionConfirm
          label="Delete"
          danger
          title={`Delete ${what} ${row.name}?`}
          body="Tenants can no longer pick it."
          confirmLabel="Delete"
          disabledReason={
            row.vmCount > 0 ? `Used by ${row.vmCount} VM${row.vmCount === 1 ? "" : "s"}` : null
          }
          action={() => run(remove(row.id))}
        />
      )}
      add={{ label: `Add ${what}`, dialog: (close) => add(close, run) }}
    />
  );
}
