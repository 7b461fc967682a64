"use client";

import type { SecurityGroupView } from "@virtfn/core";
import { useState } from "react";
import { lazyComponent } from "~/components/lazyComponent";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { type Column, type ListPage as Page } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { formCreate } from "~/components/ui/form-create";
import type { ProjectScope } from "~/components/ui/project-scope";
import { ProjectScopedPage } from "~/components/ui/ProjectScopedPage";
import { useServerListView } from "~/components/ui/useServerList";
import type { RouterInputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { useAction } from "~/trpc/useAction";

// The forms (zod, react-hook-form) and the rules dialog load when they are first opened.
const CreateGroupDialog = lazyComponent(() =>
  import("./CreateGroupDialog").then((m) => m.CreateGroupDialog),
);
const RulesDialog = lazyComponent(() => import("./RulesDialog").then((m) => m.RulesDialog));

/** The list is read again this often while the page is open. */
const REFRESH_MS = 30_000;

const groupColumns: Column<SecurityGroupView>[] = [
  { key: "name", header: "Name", className: "strong", cell: (g) => g.name },
  {
    key: "description",
    header: "Description",
    secondary: true,
    cell: (g) => g.description || <span className="muted">—</span>,
  },
  { key: "rules", header: "Rules", num: true, cell: (g) => g.rules.length },
  { key: "nics", header: "NICs", num: true, cell: (g) => g.memberNicIds.length },
];

export function SecurityGroupsPage({
  scope,
  groups: read,
}: {
  scope: ProjectScope;
  /** The project's groups (null without a project). */
  groups: Settled<Page<SecurityGroupView>> | null;
}) {
  const groups = useServerListView(read, REFRESH_MS);
  const { projectId } = scope;
  const [rulesOf, setRulesOf] = useState<string | null>(null);
  const create = useAction((api, input: RouterInputs["netservices"]["securityGroups"]["create"]) =>
    api.netservices.securityGroups.create.mutate(input),
  );
  const remove = useAction((api, input: { securityGroupId: string }) =>
    api.netservices.securityGroups.delete.mutate(input),
  );
  const open = groups.query.data?.items.find((g) => g.id === rulesOf);
  return (
    <>
      <ListPage
        title="Security groups"
        subtitle="Host firewall rules for vNICs. VF NICs bypass the host, so they cannot be in security groups. Add NICs from a VM's NIC table."
        frame={(page) => <ProjectScopedPage {...page} scope={scope} />}
        create={
          projectId
            ? formCreate("Create security group", create, (form) => (
                <CreateGroupDialog {...form} projectId={projectId} />
              ))
            : null
        }
        {...groups}
        paged={false}
        columns={groupColumns}
        rowTestId="sg-row"
        noun="security groups"
        empty={{
          about: "Create one, add rules, then put vNICs in it from their VM's page.",
        }}
        rowActions={(g) => (
          <ActionMenu
            ariaLabel={`Actions for ${g.name}`}
            items={[
              { label: "Rules…", onSelect: () => setRulesOf(g.id) },
              {
                label: "Delete",
                danger: true,
                confirm: {
                  title: `Delete security group ${g.name}?`,
                  body: `Its rules go, and its ${g.memberNicIds.length} NIC(s) leave it and lose the protection it gave.`,
                  confirmLabel: "Delete",
                  danger: true,
                  action: () => remove.mutateAsync({ securityGroupId: g.id }),
                },
              },
            ]}
          />
        )}
      />
      {open ? <RulesDialog group={open} onClose={() => setRulesOf(null)} /> : null}
    </>
  );
}
