"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createUserInput } from "@virtfn/core/schemas";
import { FormDialog } from "~/components/ui/FormDialog";
import { SelectField, TextField } from "~/components/ui/FormFields";
import { useTRPC } from "~/trpc/react";
import { roleOptions } from "./roles";

/** The create form; the page mounts it only while it is open. */
export function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projects = useQuery(trpc.iam.projects.list.queryOptions({ limit: 200 }));
  const create = useMutation(
    trpc.iam.users.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.iam.pathFilter()),
    }),
  );
  return (
    <FormDialog
      onClose={onClose}
      title="Create user"
      schema={createUserInput}
      defaultValues={{
        username: "",
        displayName: "",
        password: "",
        role: "Tenant",
        projectIds: [],
      }}
      pendingLabel="Creating…"
      onSubmit={(values) => create.mutateAsync(values)}
    >
      <TextField name="username" label="Username" autoFocus />
      <TextField name="displayName" label="Display name" />
      <TextField
        name="password"
        label="Initial password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters"
      />
      <SelectField name="role" label="Role" options={roleOptions} />
      <SelectField
        name="projectIds"
        label="Project"
        hint="Tenants act inside their projects"
        setValueAs={(id) => (id ? [id] : [])}
        options={[
          { value: "", label: "None" },
          ...(projects.data?.items.map((p) => ({ value: p.id, label: p.name })) ?? []),
        ]}
      />
    </FormDialog>
  );
}
