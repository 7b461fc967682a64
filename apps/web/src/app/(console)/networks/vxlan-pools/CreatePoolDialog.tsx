"use client";

import { useQuery } from "@tanstack/react-query";
import { createVxlanPoolInput } from "@virtfn/core/schemas";
import type { z } from "zod";
import { FormDialog, type OpenedForm } from "~/components/ui/FormDialog";
import { NumberField, SelectField, TextField, withPrompt } from "~/components/ui/FormFields";
import { useTRPC } from "~/trpc/react";

/**
 * The create form (zod and react-hook-form): the page loads it when it is first opened, and the
 * zones to pick from are fetched only then.
 */
export function CreatePoolDialog(form: OpenedForm<z.output<typeof createVxlanPoolInput>>) {
  const trpc = useTRPC();
  const zones = useQuery({
    ...trpc.inventory.zones.queryOptions(),
    select: (list) => list.map((zone) => ({ value: zone.id, label: zone.name })),
  }).data;
  return (
    <FormDialog
      {...form}
      title="Create VXLAN pool"
      schema={createVxlanPoolInput}
      defaultValues={{ zoneId: "", name: "", vniStart: 5000, vniEnd: 5999 }}
      submitLabel="Create pool"
      pendingLabel="Creating…"
    >
      <SelectField
        name="zoneId"
        label="Zone"
        options={withPrompt(zones ?? null, "Select a zone…", "Loading zones…")}
      />
      <TextField name="name" label="Name" placeholder="vxlan-pool-1" autoFocus />
      <NumberField name="vniStart" label="First VNI" hint="1 to 16777215" min={1} />
      <NumberField name="vniEnd" label="Last VNI" hint="Not below the first VNI" min={1} />
    </FormDialog>
  );
}
