"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { createProjectInput } from "@virtfn/core/schemas";
import { FormDialog } from "~/components/ui/FormDialog";
import { TextField } from "~/components/ui/FormFields";
import { useTRPC } from "~/trpc/react";

export function CreateProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.iam.projects.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.iam.pathFilter()),
    }),
  );
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title="Create project"
      schema={createProjectInput}
      defaultValues={{ name: "", description: "" }}
      submitLabel="Create project"
      pendingLabel="Creating…"
      onSubmit={(values) => create.mutateAsync(values)}
    >
      <TextField name="name" label="Name" placeholder="team-blue" autoFocus />
      <TextField name="description" label="Description" />
    </FormDialog>
  );
}
