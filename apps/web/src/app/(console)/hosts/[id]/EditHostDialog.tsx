"use client";

import type { HostDetail } from "@virtfn/core";
import { updateHostInput, type UpdateHostInput } from "@virtfn/core/schemas";
import { FormDialog } from "~/components/ui/FormDialog";
import { TextField } from "~/components/ui/FormFields";
import { useAction } from "~/trpc/useAction";

/**
 * Name, agent URL and token of a host (after a failed add, or when the agent moved). The token is
 * write-only: the field starts empty and an empty field keeps it. Saving re-connects the host.
 */
export function EditHostDialog({
  host,
  onClose,
}: {
  host: Pick<HostDetail, "id" | "name" | "agentUrl">;
  onClose: () => void;
}) {
  // A save renders the page again on the server: the new settings and the connect operation.
  const update = useAction((api, values: UpdateHostInput) => api.hosts.update.mutate(values));
  return (
    <FormDialog
      onClose={onClose}
      title={`Edit ${host.name}`}
      schema={updateHostInput}
      defaultValues={{
        hostId: host.id,
        name: host.name,
        agentUrl: host.agentUrl,
        agentToken: "",
        reconnect: true,
      }}
      submitLabel="Save and reconnect"
      pendingLabel="Saving…"
      onSubmit={(values) => update.mutateAsync(values)}
      intro={
        <p className="hint">
          Saving re-connects the host with these settings; its connect operation shows under Recent
          operations.
        </p>
      }
    >
      <TextField name="name" label="Name" autoFocus />
      <TextField
        name="agentUrl"
        label="Agent URL"
        type="url"
        placeholder="http://10.0.0.5:7443"
        hint="Where the virtfn agent on the host listens."
      />
      <TextField
        name="agentToken"
        label="Agent token"
        type="password"
        autoComplete="new-password"
        hint="Write-only: leave empty to keep the current token."
      />
    </FormDialog>
  );
}
