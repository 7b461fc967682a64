"use client";

import { useCan } from "~/components/session";
import { ActionConfirm } from "~/components/ui/ActionConfirm";
import { LocalTime } from "~/components/ui/ClockText";
import { type Column, type ListPage as Page } from "~/components/ui/ListView";
import { ListPage } from "~/components/ui/ListPage";
import { formCreate } from "~/components/ui/form-create";
import { useServerListView } from "~/components/ui/useServerList";
import type { ShownError } from "~/lib/errors";
import type { RouterInputs, RouterOutputs } from "~/trpc/outputs";
import { useAction } from "~/trpc/useAction";
import { withDataLayer } from "~/trpc/withDataLayer";
import { LIST_REFRESH_MS } from "../lists";

// The form (zod, react-hook-form, and the data layer for its zones) loads when it is first opened.
const CreatePoolDialog = withDataLayer(() =>
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
  {
    key: "created",
    header: "Created",
    secondary: true,
    cell: (p) => <LocalTime date={p.createdAt} />,
  },
];

export function VxlanPoolsPage({
  data,
  error,
}: {
  data: Page<Pool> | null;
  error: ShownError | null;
}) {
  const isAdmin = useCan("inventory.manage");
  const pools = useServerListView({ data, error }, LIST_REFRESH_MS);
  const create = useAction((api, input: RouterInputs["networks"]["vxlanPools"]["create"]) =>
    api.networks.vxlanPools.create.mutate(input),
  );
  const remove = useAction((api, input: { poolId: string }) =>
    api.networks.vxlanPools.delete.mutate(input),
  );
  return (
    <ListPage
      title="VXLAN pools"
      subtitle="VNI ranges that VXLAN L2 networks draw from. VXLAN networks cannot enable SR-IOV: VF traffic bypasses the host's tunnel."
      create={
        isAdmin
          ? formCreate("Create VXLAN pool", create, (form) => <CreatePoolDialog {...form} />)
          : null
      }
      {...pools}
      paged={false}
      columns={columns}
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
