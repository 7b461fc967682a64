"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { createApiKeyInput } from "@virtfn/core/schemas";
import { useId, useRef, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { useCan } from "~/components/session";
import { Button } from "~/components/ui/Button";
import { FormDialog } from "~/components/ui/FormDialog";
import { SelectField, TextField } from "~/components/ui/FormFields";
import { useTRPC } from "~/trpc/react";

export function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [token, setToken] = useState<string | null>(null);
  // The form closes itself after a create; the key's one-time display then takes over, and the
  // whole dialog closes only when that one does.
  const created = useRef(false);
  const [formOpen, setFormOpen] = useState(true);
  const projects = useQuery({
    ...trpc.iam.projects.list.queryOptions({ limit: 200 }),
    enabled: open,
  });
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.apiKeys.pathFilter()),
    }),
  );
  // Those who read the whole inventory may make platform-wide keys; others pick a project.
  const tenant = !useCan("inventory.read");
  const items = projects.data?.items ?? [];
  // A tenant with one project gets it chosen; the form remounts once the list is in.
  const onlyProject = tenant && items.length === 1 ? (items[0]?.id ?? null) : null;
  return (
    <>
      <FormDialog
        key={onlyProject ?? "none"}
        open={open && formOpen}
        onClose={() => {
          setFormOpen(false);
          if (!created.current) onClose();
        }}
        title="Create API key"
        schema={createApiKeyInput}
        defaultValues={{ name: "", projectId: onlyProject }}
        submitLabel="Create key"
        pendingLabel="Creating…"
        onSubmit={async (values) => {
          const result = await create.mutateAsync(values);
          created.current = true;
          setToken(result.token);
        }}
      >
        <TextField name="name" label="Name" hint="What uses it, e.g. terraform-ci" autoFocus />
        <SelectField
          name="projectId"
          label="Project"
          hint={
            tenant
              ? "The key acts only inside this project."
              : "Leave empty for a platform-wide key with your role."
          }
          setValueAs={(id) => id || null}
          options={[
            { value: "", label: tenant ? "Select a project…" : "All (platform-wide)" },
            ...items.map((p) => ({ value: p.id, label: p.name })),
          ]}
        />
      </FormDialog>
      <NewTokenDialog
        token={token}
        onClose={() => {
          setToken(null);
          onClose();
        }}
      />
    </>
  );
}

function NewTokenDialog({ token, onClose }: { token: string | null; onClose: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const close = () => {
    setCopied(false);
    onClose();
  };
  return (
    <Dialog open={token !== null} onClose={close} title="Copy your new API key">
      <div className="dialog-content">
        <p>
          This is the only time the key is shown. Store it in your secret manager; virtfn keeps only
          a hash.
        </p>
        <label className="sr-only" htmlFor={`${id}-token`}>
          API key
        </label>
        <textarea
          id={`${id}-token`}
          className="code token-box"
          readOnly
          rows={2}
          value={token ?? ""}
          data-testid="new-api-key"
          onFocus={(event) => event.currentTarget.select()}
        />
      </div>
      <div className="dialog-actions">
        <Button
          onClick={() => {
            if (token) void navigator.clipboard?.writeText(token).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied ✓" : "Copy"}
        </Button>
        <Button variant="primary" onClick={close} data-autofocus="">
          Done
        </Button>
      </div>
    </Dialog>
  );
}
