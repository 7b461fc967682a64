"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useState } from "react";
import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { asPage, ListView, type Column } from "~/components/ui/ListView";
import { CreateButton, ListEmpty } from "~/components/ui/ListEmpty";
import { PageHeader } from "~/components/ui/PageHeader";
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
  const [creating, setCreating] = useState(false);
  const pools = useQuery(trpc.networks.vxlanPools.list.queryOptions({}));
  const zones = useQuery({ ...trpc.inventory.zones.queryOptions(), enabled: creating });
  const done = {
    onSuccess: () => queryClient.invalidateQueries(trpc.networks.vxlanPools.pathFilter()),
  };
  const create = useMutation(trpc.networks.vxlanPools.create.mutationOptions(done));
  const remove = useMutation(trpc.networks.vxlanPools.delete.mutationOptions(done));
  const createAction = isAdmin
    ? { label: "Create VXLAN pool", onClick: () => setCreating(true) }
    : null;

  return (
    <>
      <PageHeader
        title="VXLAN pools"
        subtitle="VNI ranges that VXLAN L2 networks draw from. VXLAN networks cannot enable SR-IOV: VF traffic bypasses the host's tunnel."
        actions={createAction ? <CreateButton {...createAction} /> : null}
      />
      <ListView
        list={list}
        query={asPage(pools)}
        paged={false}
        columns={columns}
        rowKey={(p) => p.id}
        rowTestId="vxlan-pool-row"
        noun="VXLAN pools"
        empty={
          <ListEmpty
            noun="VXLAN pools"
            create={createAction}
            about="A VXLAN L2 network takes its VNI from a pool."
            othersNote="An admin has not defined any VXLAN pools."
          />
        }
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
      {isAdmin && creating ? (
        <CreatePoolDialog
          zones={zones.data?.map((z) => ({ value: z.id, label: z.name })) ?? null}
          onClose={() => setCreating(false)}
          create={(values) => create.mutateAsync(values)}
        />
      ) : null}
    </>
  );
}
