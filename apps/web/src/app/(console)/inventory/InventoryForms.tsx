"use client";

import {
  createClusterInput,
  createZoneInput,
  renameClusterInput,
  renameZoneInput,
} from "@virtfn/core/schemas";
import type { z } from "zod";
import { FormDialog, type OpenedForm } from "~/components/ui/FormDialog";
import { SelectField, TextField } from "~/components/ui/FormFields";

// The inventory's forms (zod and react-hook-form): the page loads them when one is first opened.

interface Named {
  id: string;
  name: string;
}

// The name rule of the server's rename schemas (the id is the row's, not a field).
const renameSchemas = {
  zone: renameZoneInput.pick({ name: true }),
  cluster: renameClusterInput.pick({ name: true }),
};

/** A zone's or a cluster's new name. */
export function RenameDialog({
  what,
  row,
  ...form
}: OpenedForm<{ name: string }> & { what: keyof typeof renameSchemas; row: Named }) {
  return (
    <FormDialog
      {...form}
      title={`Rename ${what} ${row.name}`}
      schema={renameSchemas[what]}
      defaultValues={{ name: row.name }}
      submitLabel="Rename"
      pendingLabel="Renaming…"
    >
      <TextField name="name" label="New name" autoFocus />
    </FormDialog>
  );
}

export function AddZoneDialog(form: OpenedForm<z.output<typeof createZoneInput>>) {
  return (
    <FormDialog
      {...form}
      title="Add zone"
      schema={createZoneInput}
      defaultValues={{ name: "", description: "" }}
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
      title="Add cluster"
      schema={createClusterInput}
      defaultValues={{ zoneId: zones[0]?.value ?? "", name: "" }}
      pendingLabel="Adding…"
    >
      <SelectField name="zoneId" label="Zone" options={zones} />
      <TextField name="name" label="Name" placeholder="rack-01" autoFocus />
    </FormDialog>
  );
}
