"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useId, type ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { PageHeader } from "./PageHeader";
import { PROJECT_PARAM, type ProjectOption, type ProjectScope } from "./project-scope";
import { Options } from "./Options";

/**
 * A server-rendered project-scoped page (EIPs, security groups): its header with the project
 * picker (which puts the choice in the URL, so the server renders that project) and its main
 * action, then its body for the chosen project, or why there is none.
 */
export function ProjectScopedPage({
  title,
  subtitle,
  scope,
  action,
  children,
}: {
  title: string;
  subtitle: string;
  scope: ProjectScope;
  action: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const pick = (projectId: string) => {
    // Another project's list starts at its first page.
    const next = new URLSearchParams({ [PROJECT_PARAM]: projectId });
    const q = searchParams.get("q");
    if (q) next.set("q", q);
    router.push(`${pathname}?${next.toString()}`);
  };
  return (
    <>
      <PageHeader
        title={title}
        subtitle={subtitle}
        actions={
          <>
            <ProjectPicker
              id={`${id}-project`}
              projects={scope.projects}
              value={scope.projectId}
              onChange={pick}
            />
            {scope.projectId ? action : null}
          </>
        }
      />
      {scope.projectId ? (
        children
      ) : scope.error ? (
        <ErrorBox title="Could not load your projects." error={scope.error} />
      ) : (
        <div className="empty">
          <p>You are not a member of any project.</p>
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
        <Options options={projects.map((p) => ({ value: p.id, label: p.name }))} />
      </select>
    </label>
  );
}
