"use client";

import { ActionMenu } from "~/components/ui/ActionMenu";
import { type Column, type ListPage as Page } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { formCreate } from "~/components/ui/form-create";
import type { ProjectScope } from "~/components/ui/project-scope";
import { ProjectScopedPage } from "~/components/ui/ProjectScopedPage";
import { useServerListView } from "~/components/ui/useServerList";
import { lazyComponent } from "~/components/lazyComponent";
import type { RouterInputs, RouterOutputs } from "~/trpc/outputs";
import type { Settled } from "~/trpc/server";
import { useAction } from "~/trpc/useAction";

// The form (zod, react-hook-form) loads when it is first opened.
const AllocateEipDialog = lazyComponent(() =>
  import("./AllocateEipDialog").then((m) => m.AllocateEipDialog),
);

/** The list is read again this often while the page is open. */
const REFRESH_MS = 30_000;

type Eip = RouterOutputs["netservices"]["eips"]["list"][number];

export function EipsPage({
  scope,
  eips: read,
  networks,
}: {
  scope: ProjectScope;
  /** The project's EIPs (null without a project). */
  eips: Settled<Page<Eip>> | null;
  /** The L3 networks the project may take an address from. */
  networks: { l3Id: string; name: string; category: string }[];
}) {
  const eips = useServerListView(read, REFRESH_MS);
  const { projectId } = scope;
  const l3Name = new Map(networks.map((l3) => [l3.l3Id, `${l3.name} (${l3.category})`]));
  const create = useAction((api, input: RouterInputs["netservices"]["eips"]["create"]) =>
    api.netservices.eips.create.mutate(input),
  );
  const remove = useAction((api, input: { eipId: string }) =>
    api.netservices.eips.delete.mutate(input),
  );
  const detach = useAction((api, input: { eipId: string }) =>
    api.netservices.eips.detach.mutate(input),
  );

  const columns: Column<Eip>[] = [
    { key: "name", header: "Name", className: "strong", cell: (e) => e.name },
    { key: "ip", header: "Address", cell: (e) => <code>{e.ip}</code> },
    {
      key: "l3",
      header: "From L3",
      secondary: true,
      cell: (e) => l3Name.get(e.vipL3Id) ?? <span className="muted">—</span>,
    },
    {
      key: "attached",
      header: "Attached",
      cell: (e) => (e.nicId ? "to a NIC" : <span className="muted">free</span>),
    },
  ];
  return (
    <ListPage
      title="Elastic IPs"
      subtitle="Public addresses for VM NICs. A VF NIC on a Public or Flat L3 cannot have one; on VRouter or Vpc it can. Attach them from a VM's NIC table."
      frame={(page) => <ProjectScopedPage {...page} scope={scope} />}
      create={
        projectId
          ? formCreate("Allocate EIP", create, (form) => (
              <AllocateEipDialog
                {...form}
                projectId={projectId}
                networks={networks.map((l3) => ({
                  value: l3.l3Id,
                  label: `${l3.name} — ${l3.category}`,
                }))}
              />
            ))
          : null
      }
      {...eips}
      paged={false}
      columns={columns}
      rowTestId="eip-row"
      noun="EIPs"
      empty={{
        about: "Allocate one from a network, then attach it to a NIC on the VM's page.",
      }}
      rowActions={(e) => (
        <ActionMenu
          ariaLabel={`Actions for ${e.name}`}
          items={[
            ...(e.nicId
              ? [
                  {
                    label: "Detach",
                    confirm: {
                      title: `Detach ${e.name} (${e.ip})?`,
                      body: "The NIC loses its public address; the EIP stays in the project.",
                      confirmLabel: "Detach",
                      action: () => detach.mutateAsync({ eipId: e.id }),
                    },
                  },
                ]
              : []),
            {
              label: "Release",
              danger: true,
              confirm: {
                title: `Release ${e.name} (${e.ip})?`,
                body: "The address goes back to the network's pool, and the NIC it is attached to loses it.",
                confirmLabel: "Release",
                danger: true,
                action: () => remove.mutateAsync({ eipId: e.id }),
              },
            },
          ]}
        />
      )}
    />
  );
}
