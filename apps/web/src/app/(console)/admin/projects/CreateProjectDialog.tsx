"use client";

import { createProjectInput } from "@virtfn/core/schemas";
import type { z } from "zod";
import { FormDialog, type OpenedForm } from "~/components/ui/FormDialog";
import { TextField } from "~/components/ui/FormFields";

/** The create form (zod and react-hook-form): the page loads it when it is first opened. */
export function CreateProjectDialog(form: OpenedForm<z.output<typeof createProjectInput>>) {
  return (
    <FormDialog
      {...form}
      title="Create project"
      schema={createProjectInput}
      defaultValues={{ name: "", description: "" }}
      pendingLabel="Creating…"
    >
      <TextField name="name" label="Name" placeholder="team-blue" autoFocus />
      <TextField name="description" label="Description" />
    </FormDialog>
  );
}
