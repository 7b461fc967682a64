"use client";

import {
  createClusterInput,
  createZoneInput,
  renameClusterInput,
  renameZoneInput,
} from "@virtfn/core/schemas";
import type { DefaultValues, FieldValues } from "react-hook-form";
import type { z } from "zod";
import { FormDialog, type OpenedForm } from "~/components/ui/FormDialog";
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
  ...form
}: OpenedForm<Out> & {
  title: string;
  schema: z.ZodType<Out, In>;
  defaultValues: DefaultValues<In>;
}) {
  return (
    <FormDialog
      {...form}
      open
      title={title}
      schema={schema}
      defaultValues={defaultValues}
      submitLabel="Rename"
      pendingLabel="Renaming…"
    >
      <TextField name="name" label="New name" autoFocus />
    </FormDialog>
  );
}

export function RenameZoneDialog({
  zone,
  ...form
}: OpenedForm<z.output<typeof renameZoneInput>> & { zone: Named }) {
  return (
    <RenameDialog
      {...form}
      title={`Rename zone ${zone.name}`}
      schema={renameZoneInput}
      defaultValues={{ zoneId: zone.id, name: zone.name }}
    />
  );
}

export function RenameClusterDialog({
  cluster,
  ...form
}: OpenedForm<z.output<typeof renameClusterInput>> & { cluster: Named }) {
  return (
    <RenameDialog
      {...form}
      title={`Rename cluster ${cluster.name}`}
      schema={renameClusterInput}
      defaultValues={{ clusterId: cluster.id, name: cluster.name }}
    />
  );
}

export function AddZoneDialog(form: OpenedForm<z.output<typeof createZoneInput>>) {
  return (
    <FormDialog
      {...form}
      open
      title="Add zone"
      schema={createZoneInput}
      defaultValues={{ name: "", description: "" }}
      submitLabel="Add zone"
      pendingLabel="Adding…"
    >
      <TextField name="name" label="Name" placeholder="zone-east" autoFocus />
      <TextField name="description" label="Description" placeholder="East data centre" />
    </FormDialog>
  );
}

export function AddClusterDialog({
  zones,
  ...form
}: OpenedForm<z.output<typeof createClusterInput>> & {
  zones: { value: string; label: string }[];
}) {
  return (
    <FormDialog
      {...form}
      open
      title="Add cluster"
      schema={createClusterInput}
      defaultValues={{ zoneId: zones[0]?.value ?? "", name: "" }}
      submitLabel="Add cluster"
      pendingLabel="Adding…"
    >
      <SelectField name="zoneId" label="Zone" options={zones} />
      <TextField name="name" label="Name" placeholder="rack-01" autoFocus />
    </FormDialog>
  );
}
