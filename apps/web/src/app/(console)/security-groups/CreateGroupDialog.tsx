"use client";

import { createSecurityGroupInput } from "@virtfn/core/schemas";
import type { z } from "zod";
import { FormDialog, type OpenedForm } from "~/components/ui/FormDialog";
import { TextField } from "~/components/ui/FormFields";

/** The create form (zod and react-hook-form): the page loads it when it is first opened. */
export function CreateGroupDialog({
  projectId,
  ...form
}: OpenedForm<z.output<typeof createSecurityGroupInput>> & { projectId: string }) {
  return (
    <FormDialog
      {...form}
      title="Create security group"
      schema={createSecurityGroupInput}
      defaultValues={{ projectId, name: "", description: "" }}
      submitLabel="Create"
      pendingLabel="Creating…"
    >
      <TextField name="name" label="Name" placeholder="web" autoFocus />
      <TextField name="description" label="Description (optional)" />
    </FormDialog>
  );
}
