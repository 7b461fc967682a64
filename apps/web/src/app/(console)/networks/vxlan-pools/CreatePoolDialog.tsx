"use client";

import { createVxlanPoolInput } from "@virtfn/core/schemas";
import type { z } from "zod";
import { FormDialog } from "~/components/ui/FormDialog";
import { NumberField, SelectField, TextField } from "~/components/ui/FormFields";

/** The create form (zod and react-hook-form): the page loads it when it is first opened. */
export function CreatePoolDialog({
  zones,
  onClose,
  create,
}: {
  /** The zones to pick from; null while they load. */
  zones: { value: string; label: string }[] | null;
  onClose: () => void;
  create: (values: z.output<typeof createVxlanPoolInput>) => Promise<unknown>;
}) {
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Create VXLAN pool"
      schema={createVxlanPoolInput}
      defaultValues={{ zoneId: "", name: "", vniStart: 5000, vniEnd: 5999 }}
      submitLabel="Create pool"
      pendingLabel="Creating…"
      onSubmit={create}
    >
      <SelectField
        name="zoneId"
        label="Zone"
        options={[
          { value: "", label: zones ? "Select a zone…" : "Loading zones…" },
          ...(zones ?? []),
        ]}
      />
      <TextField name="name" label="Name" placeholder="vxlan-pool-1" autoFocus />
      <NumberField name="vniStart" label="First VNI" hint="1 to 16777215" min={1} />
      <NumberField name="vniEnd" label="Last VNI" hint="Not below the first VNI" min={1} />
    </FormDialog>
  );
}
