"use client";

import { useQuery } from "@tanstack/react-query";
import { useId, useState, type ReactNode } from "react";
import { PageHeader } from "~/components/ui/PageHeader";
import { useCan } from "~/components/session";
import { useTRPC } from "~/trpc/react";

// The VM states and badges live apart (./vmState), without the data layer this file's project
// hooks bring; they are re-exported for the pages that import them from here.
export { isTransitional, NicTypeBadge, vmStates, VmStateBadge } from "./vmState";

export interface ProjectOption {
  id: string;
  name: string;
}

/**
 * The projects the user may create resources in: those iam.projects.list shows them (core narrows
 * a tenant's to their own). Those who may not change VMs (auditors) get none.
 */
export function useProjects(): {
  projects: ProjectOption[];
  pending: boolean;
} {
  const trpc = useTRPC();
  const mayCreate = useCan("vms.manage");
  const list = useQuery({
    ...trpc.iam.projects.list.queryOptions({ limit: 200, sort: "name", order: "asc" }),
    enabled: mayCreate,
  });
  const projects = mayCreate
    ? (list.data?.items ?? []).map((p) => ({ id: p.id, name: p.name }))
    : [];
  return { projects, pending: mayCreate && list.isPending };
}

/** The project a project-scoped page (EIPs, security groups) shows: the first until one is picked. */
export function useProjectChoice() {
  const { projects, pending } = useProjects();
  const [choice, setChoice] = useState("");
  const projectId = choice || projects[0]?.id || "";
  return { projects, pending, projectId, setProjectId: setChoice };
}

/**
 * A project-scoped page (EIPs, security groups): its header with the project picker and its
 * main action, then its body for the chosen project, or why there is none.
 */
export function ProjectScopedPage({
  title,
  subtitle,
  choice,
  action,
  children,
}: {
  title: string;
  subtitle: string;
  choice: ReturnType<typeof useProjectChoice>;
  action: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <>
      <PageHeader
        title={title}
        subtitle={subtitle}
        actions={
          <>
            <ProjectPicker
              id={`${id}-project`}
              projects={choice.projects}
              value={choice.projectId}
              onChange={choice.setProjectId}
            />
            {choice.projectId ? action : null}
          </>
        }
      />
      {choice.projectId ? (
        children
      ) : (
        <div className="empty">
          <p>{choice.pending ? "Loading projects…" : "You are not a member of any project."}</p>
        </div>
      )}
    </>
  );
}

/** A project picker shown only when there is a choice; with one project it is plain text. */
export function ProjectPicker({
  id,
  projects,
  value,
  onChange,
}: {
  id: string;
  projects: ProjectOption[];
  value: string;
  onChange: (projectId: string) => void;
}) {
  if (projects.length <= 1) return null;
  return (
    <label className="field-inline" htmlFor={id}>
      <span>Project</span>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
