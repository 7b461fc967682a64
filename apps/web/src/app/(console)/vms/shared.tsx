"use client";

import { useQuery } from "@tanstack/react-query";
import { useCan } from "~/components/session";
import type { ProjectOption } from "~/components/ui/project-scope";
import { useTRPC } from "~/trpc/react";

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
