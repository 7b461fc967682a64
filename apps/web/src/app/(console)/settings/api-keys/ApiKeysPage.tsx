"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog, Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { Field } from "~/components/Field";
import type { Role } from "~/components/session";
import { Pager, useCursorPages } from "~/components/table";
import { useNow } from "~/components/useNow";
import { fieldErrorsOf } from "~/lib/errors";
import { dateTime, relativeTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

export function ApiKeysPage({ role }: { role: Role }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const canSeeAll = role === "Admin" || role === "Auditor";
  const [all, setAll] = useState(false);
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [limit, setLimit] = useState(25);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<{ id: string; name: string; prefix: string } | null>(
    null,
  );
  const pages = useCursorPages([all, includeRevoked, limit].join("|"));
  const keys = useQuery({
    ...trpc.apiKeys.list.queryOptions({ cursor: pages.cursor, limit, all, includeRevoked }),
    placeholderData: keepPreviousData,
  });
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: () => {
        setRevoking(null);
        void queryClient.invalidateQueries(trpc.apiKeys.pathFilter());
      },
    }),
  );

  return (
    <>
      <div className="page-header">
        <div>
          <h1>API keys</h1>
          <p className="subtitle">
            Keys let programs call the <a href="/api/docs">REST API</a> as you: with your role, and
            for tenants only inside the key&apos;s project. Send one as{" "}
            <code>Authorization: Bearer vfn_…</code>.
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create API key
        </button>
      </div>
      <div className="toolbar">
        {canSeeAll ? (
          <label className="field-inline">
            <input
              type="checkbox"
              checked={all}
              onChange={(event) => setAll(event.target.checked)}
            />
            <span>Every user&apos;s keys</span>
          </label>
        ) : null}
        <label className="field-inline">
          <input
            type="checkbox"
            checked={includeRevoked}
            onChange={(event) => setIncludeRevoked(event.target.checked)}
          />
          <span>Show revoked</span>
        </label>
      </div>
      {keys.isError && !keys.data ? (
        <ErrorBox
          title="Could not load API keys."
          error={keys.error}
          onRetry={() => void keys.refetch()}
        />
      ) : keys.isPending ? (
        <div className="loading" aria-busy="true">
          Loading API keys…
        </div>
      ) : keys.data.items.length === 0 && !pages.hasPrev ? (
        <div className="empty">
          <p>
            <strong>No API keys yet.</strong>
          </p>
          <p>
            Create one for a script or an integration.{" "}
            <button
              type="button"
              className="btn btn-primary btn-sm"
              onClick={() => setCreating(true)}
            >
              Create API key
            </button>
          </p>
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>Name</th>
                  <th className="hide-narrow">Key</th>
                  <th className="hide-narrow">Project</th>
                  {all ? <th className="hide-narrow">Owner</th> : null}
                  <th>Last used</th>
                  <th className="hide-narrow">Created</th>
                  <th className="num">Actions</th>
                </tr>
              </thead>
              <tbody>
                {keys.data.items.map((key) => (
                  <tr key={key.id} data-testid="api-key-row">
                    <td className="strong">
                      {key.name}
                      {key.revokedAt ? (
                        <>
                          {" "}
                          <span className="badge badge-muted">Revoked</span>
                        </>
                      ) : null}
                    </td>
                    <td className="hide-narrow">
                      <code>vfn_{key.prefix}_…</code>
                    </td>
                    <td className="hide-narrow">
                      {key.projectName ?? <span className="muted">All (platform)</span>}
                    </td>
                    {all ? <td className="hide-narrow">{key.username}</td> : null}
                    <td title={key.lastUsedAt ? dateTime(key.lastUsedAt) : undefined}>
                      {relativeTime(key.lastUsedAt, now)}
                    </td>
                    <td className="hide-narrow">{dateTime(key.createdAt)}</td>
                    <td className="num">
                      {key.revokedAt ? (
                        <span className="muted small">{dateTime(key.revokedAt)}</span>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-sm btn-danger-outline"
                          onClick={() =>
                            setRevoking({ id: key.id, name: key.name, prefix: key.prefix })
                          }
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            total={keys.data.total}
            offset={pages.cursor ? Number(pages.cursor) : 0}
            count={keys.data.items.length}
            limit={limit}
            hasNext={keys.data.nextCursor !== null}
            hasPrev={pages.hasPrev}
            onNext={() => keys.data.nextCursor && pages.next(keys.data.nextCursor)}
            onPrev={pages.prev}
            onLimit={setLimit}
            noun="keys"
          />
        </>
      )}
      <CreateKeyDialog open={creating} role={role} onClose={() => setCreating(false)} />
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke API key ${revoking?.name ?? ""}?`}
        confirmLabel="Revoke key"
        danger
        pending={revoke.isPending}
        error={revoke.isError ? <ErrorBox error={revoke.error} /> : null}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        onConfirm={() => {
          if (revoking) revoke.mutate({ apiKeyId: revoking.id });
        }}
      >
        <p>
          Programs using <code>vfn_{revoking?.prefix}_…</code> get 401 from their next request. This
          cannot be undone.
        </p>
      </ConfirmDialog>
    </>
  );
}

function CreateKeyDialog({
  open,
  role,
  onClose,
}: {
  open: boolean;
  role: Role;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState("");
  const [projectId, setProjectId] = useState("");
  const [copied, setCopied] = useState(false);
  const projects = useQuery({
    ...trpc.iam.projects.list.queryOptions({ limit: 200 }),
    enabled: open,
  });
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.apiKeys.pathFilter()),
    }),
  );
  const tenant = role === "Tenant";
  const onlyProject =
    tenant && projects.data?.items.length === 1 ? (projects.data.items[0]?.id ?? "") : "";
  const chosenProject = projectId || onlyProject;
  const close = () => {
    onClose();
    setName("");
    setProjectId("");
    setCopied(false);
    create.reset();
  };
  const errors: Record<string, string> = create.error ? fieldErrorsOf(create.error) : {};
  const unplaced = create.error && Object.keys(errors).length === 0;
  const token = create.data?.token;

  return (
    <Dialog open={open} onClose={close} title={token ? "Copy your new API key" : "Create API key"}>
      {token ? (
        <div>
          <div className="dialog-content">
            <p>
              This is the only time the key is shown. Store it in your secret manager; virtfn keeps
              only a hash.
            </p>
            <label className="sr-only" htmlFor={`${id}-token`}>
              API key
            </label>
            <textarea
              id={`${id}-token`}
              className="code"
              style={{
                width: "100%",
                fontFamily: "ui-monospace, monospace",
                wordBreak: "break-all",
                resize: "none",
              }}
              readOnly
              rows={2}
              value={token}
              data-testid="new-api-key"
              onFocus={(event) => event.currentTarget.select()}
            />
          </div>
          <div className="dialog-actions">
            <button
              type="button"
              className="btn"
              onClick={() => {
                void navigator.clipboard?.writeText(token).then(() => setCopied(true));
              }}
            >
              {copied ? "Copied ✓" : "Copy"}
            </button>
            <button type="button" className="btn btn-primary" onClick={close} data-autofocus="">
              Done
            </button>
          </div>
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({ name, projectId: chosenProject || null });
          }}
        >
          <div className="dialog-content form-grid">
            <Field
              id={`${id}-name`}
              label="Name"
              error={errors.name}
              hint="What uses it, e.g. terraform-ci"
            >
              <input
                id={`${id}-name`}
                value={name}
                onChange={(event) => setName(event.target.value)}
                data-autofocus=""
                autoComplete="off"
                aria-invalid={errors.name ? true : undefined}
              />
            </Field>
            <Field
              id={`${id}-project`}
              label="Project"
              error={errors.projectId}
              hint={
                tenant
                  ? "The key acts only inside this project."
                  : "Leave empty for a platform-wide key with your role."
              }
            >
              <select
                id={`${id}-project`}
                value={chosenProject}
                onChange={(event) => setProjectId(event.target.value)}
                aria-invalid={errors.projectId ? true : undefined}
              >
                <option value="">{tenant ? "Select a project…" : "All (platform-wide)"}</option>
                {projects.data?.items.map((project) => (
                  <option key={project.id} value={project.id}>
                    {project.name}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          {unplaced ? <ErrorBox error={create.error} /> : null}
          <div className="dialog-actions">
            <button type="button" className="btn" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="btn btn-primary" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create key"}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
