"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { asPage, type Column } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { useListParams } from "~/components/ui/useListParams";
import { dateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";
import type { RouterOutputs } from "~/trpc/outputs";

// The form (zod, react-hook-form) loads when it is first opened.
const CreatePoolDialog = dynamic(() =>
  import("./CreatePoolDialog").then((m) => m.CreatePoolDialog),
);

type Pool = RouterOutputs["networks"]["vxlanPools"]["list"][number];

const columns: Column<Pool>[] = [
  { key: "name", header: "Name", className: "strong", cell: (p) => p.name },
  { key: "zone", header: "Zone", secondary: true, cell: (p) => p.zoneName },
  { key: "vnis", header: "VNIs", num: true, cell: (p) => `${p.vniStart}–${p.vniEnd}` },
  {
    key: "used",
    header: "In use",
    num: true,
    cell: (p) => (
      <span title={p.usedVnis.join(", ") || undefined}>
        {p.usedVnis.length} / {p.vniEnd - p.vniStart + 1}
      </span>
    ),
  },
  { key: "created", header: "Created", secondary: true, cell: (p) => dateTime(p.createdAt) },
];

export function VxlanPoolsPage() {
  const trpc = useTRPC();
  const isAdmin = useCan("inventory.manage");
  const queryClient = useQueryClient();
  const list = useListParams();
  const pools = useQuery(trpc.networks.vxlanPools.list.queryOptions({}));
  const done = {
    onSuccess: () => queryClient.invalidateQueries(trpc.networks.vxlanPools.pathFilter()),
  };
  const create = useMutation(trpc.networks.vxlanPools.create.mutationOptions(done));
  const remove = useMutation(trpc.networks.vxlanPools.delete.mutationOptions(done));
  return (
    <ListPage
      title="VXLAN pools"
      subtitle="VNI ranges that VXLAN L2 networks draw from. VXLAN networks cannot enable SR-IOV: VF traffic bypasses the host's tunnel."
      create={
        isAdmin
          ? {
              label: "Create VXLAN pool",
              dialog: (close) => (
                <CreatePoolDialog
                  onClose={close}
                  onSubmit={(values) => create.mutateAsync(values)}
                />
              ),
            }
          : null
      }
      list={list}
      query={asPage(pools)}
      paged={false}
      columns={columns}
      rowKey={(p) => p.id}
      rowTestId="vxlan-pool-row"
      noun="VXLAN pools"
      empty={{
        about: "A VXLAN L2 network takes its VNI from a pool.",
        othersNote: "An admin has not defined any VXLAN pools.",
      }}
      rowActions={
        isAdmin
          ? (p) => (
              <ActionConfirm
                label="Delete"
                danger
                title={`Delete VXLAN pool ${p.name}?`}
                body="A pool whose VNIs L2 networks use cannot be deleted."
                confirmLabel="Delete pool"
                action={() => remove.mutateAsync({ poolId: p.id })}
              />
            )
          : undefined
      }
    />
  );
}
