"use client";

import {
  createClusterInput,
  createZoneInput,
  renameClusterInput,
  renameZoneInput,
} from "@virtfn/core/schemas";
import type { DefaultValues, FieldValues } from "react-hook-form";
import type { z } from "zod";
import { FormDialog } from "~/components/ui/FormDialog";
import { SelectField, TextField } from "~/components/ui/FormFields";

// The inventory's forms (zod and react-hook-form): the page loads them when one is first opened.

interface Named {
  id: string;
  name: string;
}

/** A name change on the server's rename schema (the id rides along as a hidden value). */
function RenameDialog<In extends FieldValues, Out>({
  title,
  schema,
  defaultValues,
  onClose,
  rename,
}: {
  title: string;
  schema: z.ZodType<Out, In>;
  defaultValues: DefaultValues<In>;
  onClose: () => void;
  rename: (values: Out) => Promise<unknown>;
}) {
  return (
    <FormDialog
      open
      onClose={onClose}
      title={title}
      schema={schema}
      defaultValues={defaultValues}
      submitLabel="Rename"
      pendingLabel="Renaming…"
      onSubmit={rename}
    >
      <TextField name="name" label="New name" autoFocus />
    </FormDialog>
  );
}

export function RenameZoneDialog({
  zone,
  onClose,
  rename,
}: {
  zone: Named;
  onClose: () => void;
  rename: (values: z.output<typeof renameZoneInput>) => Promise<unknown>;
}) {
  return (
    <RenameDialog
      title={`Rename zone ${zone.name}`}
      schema={renameZoneInput}
      defaultValues={{ zoneId: zone.id, name: zone.name }}
      onClose={onClose}
      rename={rename}
    />
  );
}

export function RenameClusterDialog({
  cluster,
  onClose,
  rename,
}: {
  cluster: Named;
  onClose: () => void;
  rename: (values: z.output<typeof renameClusterInput>) => Promise<unknown>;
}) {
  return (
    <RenameDialog
      title={`Rename cluster ${cluster.name}`}
      schema={renameClusterInput}
      defaultValues={{ clusterId: cluster.id, name: cluster.name }}
      onClose={onClose}
      rename={rename}
    />
  );
}

export function AddZoneDialog({
  onClose,
  add,
}: {
  onClose: () => void;
  add: (values: z.output<typeof createZoneInput>) => Promise<unknown>;
}) {
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Add zone"
      schema={createZoneInput}
      defaultValues={{ name: "", description: "" }}
      submitLabel="Add zone"
      pendingLabel="Adding…"
      onSubmit={add}
    >
      <TextField name="name" label="Name" placeholder="zone-east" autoFocus />
      <TextField name="description" label="Description" placeholder="East data centre" />
    </FormDialog>
  );
}

export function AddClusterDialog({
  zones,
  onClose,
  add,
}: {
  zones: { value: string; label: string }[];
  onClose: () => void;
  add: (values: z.output<typeof createClusterInput>) => Promise<unknown>;
}) {
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Add cluster"
      schema={createClusterInput}
      defaultValues={{ zoneId: zones[0]?.value ?? "", name: "" }}
      submitLabel="Add cluster"
      pendingLabel="Adding…"
      onSubmit={add}
    >
      <SelectField name="zoneId" label="Zone" options={zones} />
      <TextField name="name" label="Name" placeholder="rack-01" autoFocus />
    </FormDialog>
  );
}
