"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { ActionMenu } from "~/components/ui/ActionMenu";
import { asPage, type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { useListParams } from "~/components/ui/useListParams";
import { useTRPC } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/outputs";
import { ProjectScopedPage, useProjectChoice } from "../vms/shared";

// The form (zod, react-hook-form) loads when it is first opened.
const AllocateEipDialog = dynamic(() =>
  import("./AllocateEipDialog").then((m) => m.AllocateEipDialog),
);

type Eip = RouterOutputs["netservices"]["eips"]["list"][number];

export function EipsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useListParams();
  const choice = useProjectChoice();
  const { projectId } = choice;
  const eips = useQuery({
    ...trpc.netservices.eips.list.queryOptions({ projectId }),
    enabled: Boolean(projectId),
  });
  const l3s = useQuery({
    ...trpc.vms.createOptions.queryOptions({ projectId }),
    enabled: Boolean(projectId),
  });
  const l3Name = new Map((l3s.data ?? []).map((l3) => [l3.l3Id, `${l3.name} (${l3.category})`]));
  const invalidate = () =>
    Promise.all([
      queryClient.invalidateQueries(trpc.netservices.eips.pathFilter()),
      queryClient.invalidateQueries(trpc.vms.get.pathFilter()),
    ]);
  const mutation = { onSuccess: invalidate };
  const create = useMutation(trpc.netservices.eips.create.mutationOptions(mutation));
  const remove = useMutation(trpc.netservices.eips.delete.mutationOptions(mutation));
  const detach = useMutation(trpc.netservices.eips.detach.mutationOptions(mutation));

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
      frame={(page) => <ProjectScopedPage {...page} choice={choice} />}
      create={
        projectId
          ? {
              label: "Allocate EIP",
              dialog: (close) => (
                <AllocateEipDialog
                  projectId={projectId}
                  networks={
                    l3s.data?.map((l3) => ({
                      value: l3.l3Id,
                      label: `${l3.name} — ${l3.category}`,
                    })) ?? null
                  }
                  onClose={close}
                  onSubmit={(values) => create.mutateAsync(values)}
                />
              ),
            }
          : null
      }
      list={list}
      query={asPage(eips)}
      paged={false}
      columns={columns}
      rowKey={(e) => e.id}
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
