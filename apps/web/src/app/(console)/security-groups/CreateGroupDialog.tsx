"use client";

import { createSecurityGroupInput } from "@virtfn/core/schemas";
import type { z } from "zod";
import { FormDialog } from "~/components/ui/FormDialog";
import { TextField } from "~/components/ui/FormFields";

/** The create form (zod and react-hook-form): the page loads it when it is first opened. */
export function CreateGroupDialog({
  projectId,
  onClose,
  create,
}: {
  projectId: string;
  onClose: () => void;
  create: (values: z.output<typeof createSecurityGroupInput>) => Promise<unknown>;
}) {
  return (
    <FormDialog
      open
      onClose={onClose}
      title="Create security group"
      schema={createSecurityGroupInput}
      defaultValues={{ projectId, name: "", description: "" }}
      submitLabel="Create"
      pendingLabel="Creating…"
      onSubmit={create}
    >
      <TextField name="name" label="Name" placeholder="web" autoFocus />
      <TextField name="description" label="Description (optional)" />
    </FormDialog>
  );
}
