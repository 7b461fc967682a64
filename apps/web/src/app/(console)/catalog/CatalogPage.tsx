"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { asPage, type Column } from "~/components/ui/ListView";
import { ListSection } from "~/components/ui/ListSection";
import { PageHeader } from "~/components/ui/PageHeader";
import { memory } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/outputs";

// The add forms (zod, react-hook-form) load when one is first opened.
const AddOfferingDialog = dynamic(() => import("./CatalogForms").then((m) => m.AddOfferingDialog));
const AddImageDialog = dynamic(() => import("./CatalogForms").then((m) => m.AddImageDialog));

type Offering = RouterOutputs["catalog"]["offerings"][number];
type Image = RouterOutputs["catalog"]["images"][number];

export function CatalogPage() {
  return (
    <>
      <PageHeader
        title="Catalog"
        subtitle="Instance offerings and images tenants pick when they create VMs."
      />
      <Offerings />
      <Images />
    </>
  );
}

function useCatalogMutations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return { onSuccess: () => queryClient.invalidateQueries(trpc.catalog.pathFilter()) };
}

/** Delete, greyed out with the reason while VMs use the entry. */
function DeleteEntry({
  row,
  what,
  action,
}: {
  row: { name: string; vmCount: number };
  what: string;
  action: () => Promise<unknown>;
}) {
  return (
    <ActionConfirm
      label="Delete"
      danger
      title={`Delete ${what} ${row.name}?`}
      body="Tenants can no longer pick it."
      confirmLabel="Delete"
      disabledReason={
        row.vmCount > 0 ? `Used by ${row.vmCount} VM${row.vmCount === 1 ? "" : "s"}` : null
      }
      action={action}
    />
  );
}

function Offerings() {
  const trpc = useTRPC();
  const offerings = useQuery(trpc.catalog.offerings.queryOptions());
  const done = useCatalogMutations();
  const create = useMutation(trpc.catalog.createOffering.mutationOptions(done));
  const remove = useMutation(trpc.catalog.deleteOffering.mutationOptions(done));
  const columns: Column<Offering>[] = [
    { key: "name", header: "Name", className: "strong", cell: (o) => o.name },
    { key: "vcpus", header: "vCPUs", num: true, cell: (o) => o.vcpus },
    { key: "memory", header: "Memory", num: true, cell: (o) => memory(o.memoryMiB) },
    { key: "numa", header: "VF NUMA", secondary: true, cell: (o) => o.vfNumaPolicy },
    { key: "vms", header: "VMs", num: true, cell: (o) => o.vmCount },
  ];
  return (
    <ListSection
      title="Instance offerings"
      noun="offerings"
      query={asPage(offerings)}
      columns={columns}
      rowKey={(o) => o.id}
      rowTestId="offering-row"
      empty={<p>No offerings yet: tenants cannot create VMs until there is one.</p>}
      rowActions={(o) => (
        <DeleteEntry
          row={o}
          what="offering"
          action={() => remove.mutateAsync({ offeringId: o.id })}
        />
      )}
      add={{
        label: "Add offering",
        dialog: (close) => (
          <AddOfferingDialog onClose={close} onSubmit={(values) => create.mutateAsync(values)} />
        ),
      }}
    />
  );
}

function Images() {
  const trpc = useTRPC();
  const images = useQuery(trpc.catalog.images.queryOptions());
  const done = useCatalogMutations();
  const create = useMutation(trpc.catalog.createImage.mutationOptions(done));
  const remove = useMutation(trpc.catalog.deleteImage.mutationOptions(done));
  const columns: Column<Image>[] = [
    { key: "name", header: "Name", className: "strong", cell: (i) => i.name },
    { key: "format", header: "Format", cell: (i) => i.format },
    { key: "size", header: "Size", num: true, cell: (i) => `${i.sizeGiB} GiB` },
    { key: "vms", header: "VMs", num: true, cell: (i) => i.vmCount },
  ];
  return (
    <ListSection
      title="Images"
      noun="images"
      query={asPage(images)}
      columns={columns}
      rowKey={(i) => i.id}
      rowTestId="image-row"
      empty={<p>No images yet: tenants cannot create VMs until there is one.</p>}
      rowActions={(i) => (
        <DeleteEntry row={i} what="image" action={() => remove.mutateAsync({ imageId: i.id })} />
      )}
      add={{
        label: "Add image",
        dialog: (close) => (
          <AddImageDialog onClose={close} onSubmit={(values) => create.mutateAsync(values)} />
        ),
      }}
    />
  );
}
