"use client";

import { createEipInput } from "@virtfn/core/schemas";
import type { z } from "zod";
import { FormDialog, type OpenedForm } from "~/components/ui/FormDialog";
import { SelectField, TextField, withPrompt } from "~/components/ui/FormFields";

/** The allocate form (zod and react-hook-form): the page loads it when it is first opened. */
export function AllocateEipDialog({
  projectId,
  networks,
  ...form
}: OpenedForm<z.output<typeof createEipInput>> & {
  projectId: string;
  /** The L3 networks to take the address from; null while they load. */
  networks: { value: string; label: string }[] | null;
}) {
  return (
    <FormDialog
      {...form}
      title="Allocate an EIP"
      schema={createEipInput}
      defaultValues={{ projectId, name: "", vipL3Id: "", ip: undefined }}
      submitLabel="Allocate"
      pendingLabel="Allocating…"
    >
      <TextField name="name" label="Name" placeholder="web-public" autoFocus />
      <SelectField
        name="vipL3Id"
        label="From network"
        options={withPrompt(networks, "Select an L3 network…", "Loading networks…")}
      />
      <TextField name="ip" label="Address (optional)" placeholder="any free" optional />
    </FormDialog>
  );
}
