"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useId, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { useCan } from "~/components/session";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { Button } from "~/components/ui/Button";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { listInput, useListParams } from "~/components/ui/useListParams";
import { createdColumn, nameColumn } from "~/components/ui/columns";
import type { RouterOutputs } from "~/trpc/outputs";
import { useTRPC } from "~/trpc/react";

// The form (react-hook-form, zod and the server's schema) loads when the dialog first opens.
const CreateProjectDialog = dynamic(() =>
  import("./CreateProjectDialog").then((m) => m.CreateProjectDialog),
);

type Project = RouterOutputs["iam"]["projects"]["list"]["items"][number];

export function ProjectsPage() {
  const trpc = useTRPC();
  const isAdmin = useCan("iam.manage");
  const queryClient = useQueryClient();
  const [members, setMembers] = useState<string | null>(null);
  const list = useListParams({ sorts: ["name", "createdAt"] as const });
  const projects = useQuery({
    ...trpc.iam.projects.list.queryOptions(listInput(list)),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation(
    trpc.iam.projects.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.iam.pathFilter()),
    }),
  );
  const open = projects.data?.items.find((p) => p.id === members) ?? null;

  const columns: Column<Project, "name" | "createdAt">[] = [
    nameColumn({ name: (project) => project.name, sub: (p) => p.description, sort: "name" }),
    {
      key: "members",
      header: "Members",
      cell: (project) =>
        project.members.map((m) => m.username).join(", ") || <span className="muted">None</span>,
    },
    { key: "vms", header: "VMs", num: true, cell: (project) => project.vmCount },
    createdColumn("createdAt"),
  ];

  return (
    <>
      <ListPage
        title="Projects"
        subtitle="Tenants create and run VMs inside their projects and see nothing else."
        create={
          isAdmin
            ? {
                label: "Create project",
                dialog: (close) => <CreateProjectDialog open onClose={close} />,
              }
            : null
        }
        list={list}
        query={projects}
        columns={columns}
        rowKey={(project) => project.id}
        rowTestId="project-row"
        noun="projects"
        search={{ label: "Search projects", placeholder: "Search by name…" }}
        empty={{
          about: "A project holds VMs and the tenants who may run them.",
          othersNote: "An admin has not created any projects.",
        }}
        rowActions={(project) => (
          <ActionMenu
            ariaLabel={`Actions for ${project.name}`}
            items={[
              { label: "Members", onSelect: () => setMembers(project.id) },
              ...(isAdmin
                ? [
                    {
                      label: "Delete",
                      danger: true,
                      confirm: {
                        title: `Delete project ${project.name}?`,
                        body: `Memberships and the project's API keys go with it.${
                          project.vmCount > 0
                            ? ` It still has ${project.vmCount} VM(s): delete them first.`
                            : ""
                        }`,
                        confirmLabel: "Delete project",
                        danger: true,
                        action: () => remove.mutateAsync({ projectId: project.id }),
                      },
                    },
                  ]
                : []),
            ]}
          />
        )}
      />
      <MembersDialog project={open} isAdmin={isAdmin} onClose={() => setMembers(null)} />
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
                      <Button
                        size="sm"
                        variant="danger-outline"
                        disabled={remove.isPending}
                        onClick={() => remove.mutate({ projectId: project.id, userId: m.userId })}
                      >
                        Remove
                      </Button>
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
            <Button type="submit" variant="primary" size="sm" disabled={!userId || add.isPending}>
              Add member
            </Button>
          </form>
        ) : null}
        {error ? <ErrorBox error={error} /> : null}
      </div>
    </Dialog>
  );
}
