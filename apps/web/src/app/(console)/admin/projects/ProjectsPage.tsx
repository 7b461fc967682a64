"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog, Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { Field } from "~/components/Field";
import { useIsAdmin } from "~/components/session";
import { Pager, useCursorPages, useDebounced } from "~/components/table";
import { errorData, fieldErrorsOf } from "~/lib/errors";
import { dateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

export function ProjectsPage() {
  const trpc = useTRPC();
  const isAdmin = useIsAdmin();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const [limit, setLimit] = useState(25);
  const [creating, setCreating] = useState(false);
  const [members, setMembers] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; name: string; vmCount: number } | null>(
    null,
  );
  const debounced = useDebounced(search.trim());
  const pages = useCursorPages([debounced, limit].join("|"));
  const projects = useQuery({
    ...trpc.iam.projects.list.queryOptions({
      cursor: pages.cursor,
      limit,
      search: debounced || undefined,
    }),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation(
    trpc.iam.projects.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        void queryClient.invalidateQueries(trpc.iam.pathFilter());
      },
    }),
  );
  const open = projects.data?.items.find((p) => p.id === members) ?? null;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Projects</h1>
          <p className="subtitle">
            Tenants create and run VMs inside their projects and see nothing else.
          </p>
        </div>
        {isAdmin ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create project
          </button>
        ) : null}
      </div>
      <div className="toolbar" role="search">
        <label className="field-inline grow">
          <span className="sr-only">Search projects</span>
          <input
            type="search"
            placeholder="Search by name…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
      </div>
      {projects.isError && !projects.data ? (
        <ErrorBox
          title="Could not load projects."
          error={projects.error}
          onRetry={() => void projects.refetch()}
        />
      ) : projects.isPending ? (
        <div className="loading" aria-busy="true">
          Loading projects…
        </div>
      ) : projects.data.items.length === 0 && !pages.hasPrev ? (
        <div className="empty">
          <p>
            <strong>{debounced ? "No projects match." : "No projects yet."}</strong>
          </p>
        </div>
      ) : (
        <>
          <div className="table-wrap">
            <table className="data">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Members</th>
                  <th className="num">VMs</th>
                  <th className="hide-narrow">Created</th>
                  <th className="num">Actions</th>
                </tr>
              </thead>
              <tbody>
                {projects.data.items.map((project) => (
                  <tr key={project.id} data-testid="project-row">
                    <td className="strong">
                      {project.name}
                      {project.description ? (
                        <div className="sub">{project.description}</div>
                      ) : null}
                    </td>
                    <td>
                      {project.members.map((m) => m.username).join(", ") || (
                        <span className="muted">None</span>
                      )}
                    </td>
                    <td className="num">{project.vmCount}</td>
                    <td className="hide-narrow">{dateTime(project.createdAt)}</td>
                    <td className="num">
                      <div className="actions">
                        <button
                          type="button"
                          className="btn btn-sm"
                          onClick={() => setMembers(project.id)}
                        >
                          Members
                        </button>
                        {isAdmin ? (
                          <button
                            type="button"
                            className="btn btn-sm btn-danger-outline"
                            onClick={() =>
                              setDeleting({
                                id: project.id,
                                name: project.name,
                                vmCount: project.vmCount,
                              })
                            }
                          >
                            Delete
                          </button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            total={projects.data.total}
            offset={pages.cursor ? Number(pages.cursor) : 0}
            count={projects.data.items.length}
            limit={limit}
            hasNext={projects.data.nextCursor !== null}
            hasPrev={pages.hasPrev}
            onNext={() => projects.data.nextCursor && pages.next(projects.data.nextCursor)}
            onPrev={pages.prev}
            onLimit={setLimit}
            noun="projects"
          />
        </>
      )}
      <MembersDialog project={open} isAdmin={isAdmin} onClose={() => setMembers(null)} />
      {isAdmin ? (
        <>
          <CreateProjectDialog open={creating} onClose={() => setCreating(false)} />
          <ConfirmDialog
            open={deleting !== null}
            title={`Delete project ${deleting?.name ?? ""}?`}
            confirmLabel="Delete project"
            danger
            pending={remove.isPending}
            error={remove.isError ? <ErrorBox error={remove.error} /> : null}
            onClose={() => {
              setDeleting(null);
              remove.reset();
            }}
            onConfirm={() => {
              if (deleting) remove.mutate({ projectId: deleting.id });
            }}
          >
            <p>
              Memberships and the project&apos;s API keys go with it.
              {deleting && deleting.vmCount > 0
                ? ` It still has ${deleting.vmCount} VM(s): delete them first.`
                : ""}
            </p>
          </ConfirmDialog>
        </>
      ) : null}
    </>
  );
}

interface ProjectRow {
  id: string;
  name: string;
  members: Array<{ userId: string; username: string; role: string }>;
}

function MembersDialog({
  project,
  isAdmin,
  onClose,
}: {
  project: ProjectRow | null;
  isAdmin: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [userId, setUserId] = useState("");
  const users = useQuery({
    ...trpc.iam.users.list.queryOptions({ limit: 200 }),
    enabled: project !== null && isAdmin,
  });
  const refresh = () => void queryClient.invalidateQueries(trpc.iam.pathFilter());
  const add = useMutation(
    trpc.iam.projects.addMember.mutationOptions({
      onSuccess: () => {
        setUserId("");
        refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.iam.projects.removeMember.mutationOptions({ onSuccess: refresh }),
  );
  const memberIds = new Set(project?.members.map((m) => m.userId) ?? []);
  const candidates = users.data?.items.filter((u) => !memberIds.has(u.id)) ?? [];
  const error = add.error ?? remove.error;
  return (
    <Dialog
      open={project !== null}
      onClose={() => {
        add.reset();
        remove.reset();
        onClose();
      }}
      title={`Members of ${project?.name ?? ""}`}
    >
      <div className="dialog-content">
        {project && project.members.length > 0 ? (
          <table className="data">
            <tbody>
              {project.members.map((m) => (
                <tr key={m.userId}>
                  <td className="strong">{m.username}</td>
                  <td>
                    <span className={`role role-${m.role.toLowerCase()}`}>{m.role}</span>
                  </td>
                  {isAdmin ? (
                    <td className="num">
                      <button
                        type="button"
                        className="btn btn-sm btn-danger-outline"
                        disabled={remove.isPending}
                        onClick={() => remove.mutate({ projectId: project.id, userId: m.userId })}
                      >
                        Remove
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No members yet.</p>
        )}
        {isAdmin && project ? (
          <form
            className="toolbar"
            onSubmit={(event) => {
              event.preventDefault();
              if (userId) add.mutate({ projectId: project.id, userId });
            }}
          >
            <label className="field-inline grow" htmlFor={`${id}-user`}>
              <span>Add</span>
              <select id={`${id}-user`} value={userId} onChange={(e) => setUserId(e.target.value)}>
                <option value="">Select a user…</option>
                {candidates.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.username} ({u.role})
                  </option>
                ))}
              </select>
            </label>
            <button
              type="submit"
              className="btn btn-primary btn-sm"
              disabled={!userId || add.isPending}
            >
              Add member
            </button>
          </form>
        ) : null}
        {error ? <ErrorBox error={error} /> : null}
      </div>
    </Dialog>
  );
}

function CreateProjectDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const create = useMutation(
    trpc.iam.projects.create.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.iam.pathFilter());
        close();
      },
    }),
  );
  const close = () => {
    onClose();
    setName("");
    setDescription("");
    create.reset();
  };
  const errors: Record<string, string> = create.error ? fieldErrorsOf(create.error) : {};
  if (errorData(create.error).domainCode === "ALREADY_EXISTS" && create.error)
    errors.name = create.error.message;
  const unplaced = create.error && Object.keys(errors).length === 0;
  return (
    <Dialog open={open} onClose={close} title="Create project">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, description });
        }}
      >
        <div className="dialog-content form-grid">
          <Field id={`${id}-name`} label="Name" error={errors.name}>
            <input
              id={`${id}-name`}
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-autofocus=""
              autoComplete="off"
              placeholder="team-blue"
            />
          </Field>
          <Field id={`${id}-description`} label="Description" error={errors.description}>
            <input
              id={`${id}-description`}
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              autoComplete="off"
            />
          </Field>
        </div>
        {unplaced ? <ErrorBox error={create.error} /> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create project"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
