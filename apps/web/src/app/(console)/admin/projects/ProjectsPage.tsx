"use client";

import type { createProjectInput } from "@virtfn/core/schemas";
import { useState } from "react";
import type { z } from "zod";
import { lazyComponent } from "~/components/lazyComponent";
import { useCan } from "~/components/session";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { formCreate } from "~/components/ui/form-create";
import { useServerListView } from "~/components/ui/useServerList";
import { createdColumn, nameColumn } from "~/components/ui/columns";
import type { ShownError } from "~/lib/errors";
import type { RouterOutputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import { withDataLayer } from "~/trpc/withDataLayer";
import { projectsList } from "./projects-list";

// The form (react-hook-form, zod and the server's schema) loads when first opened; the members
// dialog (its user picker queries in the browser) with the data layer.
const CreateProjectDialog = lazyComponent(() =>
  import("./CreateProjectDialog").then((m) => m.CreateProjectDialog),
);
const MembersDialog = withDataLayer(() => import("./MembersDialog").then((m) => m.MembersDialog));

type ProjectPage = RouterOutputs["iam"]["projects"]["list"];
type Project = ProjectPage["items"][number];

export function ProjectsPage({
  data,
  error,
}: {
  data: ProjectPage | null;
  error: ShownError | null;
}) {
  const isAdmin = useCan("iam.manage");
  const [members, setMembers] = useState<string | null>(null);
  const projects = useServerListView({ data, error }, 30_000, projectsList);
  const create = useAction((api, input: z.output<typeof createProjectInput>) =>
    api.iam.projects.create.mutate(input),
  );
  const remove = useAction((api, input: { projectId: string }) =>
    api.iam.projects.delete.mutate(input),
  );
  const open = projects.query.data?.items.find((p) => p.id === members) ?? null;

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
            ? formCreate("Create project", create, (form) => <CreateProjectDialog {...form} />)
            : null
        }
        {...projects}
        columns={columns}
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
      {open ? (
        <MembersDialog project={open} isAdmin={isAdmin} onClose={() => setMembers(null)} />
      ) : null}
    </>
  );
}
