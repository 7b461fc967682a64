"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog, Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { Field } from "~/components/Field";
import { useIsAdmin, type Role } from "~/components/session";
import { Pager, useCursorPages, useDebounced } from "~/components/table";
import { errorData, fieldErrorsOf } from "~/lib/errors";
import { dateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

const roles: Role[] = ["Admin", "Tenant", "Auditor"];

export function UsersPage({ me }: { me: string }) {
  const trpc = useTRPC();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [limit, setLimit] = useState(25);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<{ id: string; username: string } | null>(null);
  const debounced = useDebounced(search.trim());
  const pages = useCursorPages([debounced, limit].join("|"));
  const users = useQuery({
    ...trpc.iam.users.list.queryOptions({
      cursor: pages.cursor,
      limit,
      search: debounced || undefined,
    }),
    placeholderData: keepPreviousData,
  });
  const refresh = () => void queryClient.invalidateQueries(trpc.iam.pathFilter());
  const setRole = useMutation(trpc.iam.users.setRole.mutationOptions({ onSuccess: refresh }));
  const setDisabled = useMutation(
    trpc.iam.users.setDisabled.mutationOptions({ onSuccess: refresh }),
  );
  const remove = useMutation(
    trpc.iam.users.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        refresh();
      },
    }),
  );
  const rowError = setRole.error ?? setDisabled.error;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Users</h1>
          <p className="subtitle">
            Admins run the platform, tenants work inside their projects, auditors read everything.
          </p>
        </div>
        {isAdmin ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create user
          </button>
        ) : null}
      </div>
      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="sr-only">Search users</span>
          <input
            type="search"
            placeholder="Search by username or name…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
      </div>
      {rowError ? <ErrorBox error={rowError} /> : null}
      {users.isError && !users.data ? (
        <ErrorBox
          title="Could not load users."
          error={users.error}
          onRetry={() => void users.refetch()}
        />
      ) : users.isPending ? (
        <div className="loading" aria-busy="true">
          Loading users…
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>User</th>
                  <th>Role</th>
                  <th className="hide-narrow">Projects</th>
                  <th className="hide-narrow num">API keys</th>
                  <th className="hide-narrow">Created</th>
                  {isAdmin ? <th className="num">Actions</th> : null}
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((user) => {
                  const self = user.username === me;
                  return (
                    <tr key={user.id} data-testid="user-row">
                      <td className="strong">
                        {user.username}
                        {user.disabled ? (
                          <>
                            {" "}
                            <span className="badge badge-muted">Disabled</span>
                          </>
                        ) : null}
                        {user.displayName && user.displayName !== user.username ? (
                          <div className="sub">{user.displayName}</div>
                        ) : null}
                      </td>
                      <td>
                        {isAdmin && !self ? (
                          <select
                            aria-label={`Role of ${user.username}`}
                            value={user.role}
                            disabled={setRole.isPending}
                            onChange={(e) =>
                              setRole.mutate({ userId: user.id, role: e.target.value as Role })
                            }
                          >
                            {roles.map((r) => (
                              <option key={r} value={r}>
                                {r}
                              </option>
                            ))}
                          </select>
                        ) : (
                          <span className={`role role-${user.role.toLowerCase()}`}>
                            {user.role}
                          </span>
                        )}
                      </td>
                      <td className="hide-narrow">
                        {user.projects.map((p) => p.name).join(", ") || "—"}
                      </td>
                      <td className="hide-narrow num">{user.activeApiKeys}</td>
                      <td className="hide-narrow">{dateTime(user.createdAt)}</td>
                      {isAdmin ? (
                        <td className="num">
                          {self ? (
                            <span className="muted small">You</span>
                          ) : (
                            <div className="actions">
                              <button
                                type="button"
                                className="btn btn-sm"
                                disabled={setDisabled.isPending}
                                onClick={() =>
                                  setDisabled.mutate({ userId: user.id, disabled: !user.disabled })
                                }
                              >
                                {user.disabled ? "Enable" : "Disable"}
                              </button>
                              <button
                                type="button"
                                className="btn btn-sm btn-danger-outline"
                                onClick={() =>
                                  setDeleting({ id: user.id, username: user.username })
                                }
                              >
                                Delete
                              </button>
                            </div>
                          )}
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            total={users.data.total}
            offset={pages.cursor ? Number(pages.cursor) : 0}
            count={users.data.items.length}
            limit={limit}
            hasNext={users.data.nextCursor !== null}
            hasPrev={pages.hasPrev}
            onNext={() => users.data.nextCursor && pages.next(users.data.nextCursor)}
            onPrev={pages.prev}
            onLimit={setLimit}
            noun="users"
          />
        </>
      )}
      {isAdmin ? (
        <>
          <CreateUserDialog open={creating} onClose={() => setCreating(false)} />
          <ConfirmDialog
            open={deleting !== null}
            title={`Delete user ${deleting?.username ?? ""}?`}
            confirmLabel="Delete user"
            danger
            pending={remove.isPending}
            error={remove.isError ? <ErrorBox error={remove.error} /> : null}
            onClose={() => {
              setDeleting(null);
              remove.reset();
            }}
            onConfirm={() => {
              if (deleting) remove.mutate({ userId: deleting.id });
            }}
          >
            <p>
              Their sessions and API keys stop working at once. Operations they started keep their
              history.
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </>
  );
}

function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const empty = {
    username: "",
    displayName: "",
    password: "",
    role: "Tenant" as Role,
    projectId: "",
  };
  const [form, setForm] = useState(empty);
  const projects = useQuery({
    ...trpc.iam.projects.list.queryOptions({ limit: 200 }),
    enabled: open,
  });
  const create = useMutation(
    trpc.iam.users.create.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.iam.pathFilter());
        close();
      },
    }),
  );
  const close = () => {
    onClose();
    setForm(empty);
    create.reset();
  };
  const errors: Record<string, string> = create.error ? fieldErrorsOf(create.error) : {};
  if (errorData(create.error).domainCode === "ALREADY_EXISTS" && create.error)
    errors.username = create.error.message;
  const unplaced = create.error && Object.keys(errors).length === 0;
  const set =
    (key: keyof typeof empty) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <Dialog open={open} onClose={close} title="Create user">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({
            username: form.username,
            displayName: form.displayName,
            password: form.password,
            role: form.role,
            projectIds: form.projectId ? [form.projectId] : [],
          });
        }}
      >
        <div className="dialog-content form-grid">
          <Field id={`${id}-username`} label="Username" error={errors.username}>
            <input
              id={`${id}-username`}
              value={form.username}
              onChange={set("username")}
              data-autofocus=""
              autoComplete="off"
            />
          </Field>
          <Field id={`${id}-displayName`} label="Display name" error={errors.displayName}>
            <input
              id={`${id}-displayName`}
              value={form.displayName}
              onChange={set("displayName")}
              autoComplete="off"
            />
          </Field>
          <Field
            id={`${id}-password`}
            label="Initial password"
            error={errors.password}
            hint="At least 10 characters"
          >
            <input
              id={`${id}-password`}
              type="password"
              value={form.password}
              onChange={set("password")}
              autoComplete="new-password"
            />
          </Field>
          <Field id={`${id}-role`} label="Role" error={errors.role}>
            <select id={`${id}-role`} value={form.role} onChange={set("role")}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </Field>
          <Field
            id={`${id}-project`}
            label="Project"
            error={errors.projectIds}
            hint="Tenants act inside their projects"
          >
            <select id={`${id}-project`} value={form.projectId} onChange={set("projectId")}>
              <option value="">None</option>
              {projects.data?.items.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
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
            {create.isPending ? "Creating…" : "Create user"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
