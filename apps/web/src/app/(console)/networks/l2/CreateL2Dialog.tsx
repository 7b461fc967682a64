"use client";

import { useQuery } from "@tanstack/react-query";
import { createL2Input } from "@virtfn/core/schemas";
import type { L2Type } from "@virtfn/db";
import { useEffect } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { z } from "zod";
import { FormDialog } from "~/components/ui/FormDialog";
import {
  CheckField,
  CheckListField,
  NumberField,
  SelectField,
  TextField,
  withPrompt,
} from "~/components/ui/FormFields";
import { CLUSTER_PICKER_LIMIT, pageItems } from "~/lib/clusters";
import type { RouterInputs } from "~/trpc/outputs";
import { useTRPC } from "~/trpc/react";
import { useNetworkCreate } from "../useNetworkCreated";
import { l2TypeLabel, l2Types } from "../shared";
import type { L2Toggles } from "../toggles";
import { domainFields } from "~/lib/server-field-errors";

/** What the form holds: every type's fields, of which only the chosen type's are sent. */
interface L2Form {
  zoneId: string;
  name: string;
  description: string;
  type: L2Type;
  vlanId: number | undefined;
  vxlanPoolId: string;
  vni: number | undefined;
  physicalInterface: string;
  clusterIds: string[];
  sriovEnabled: boolean;
}

const emptyForm: L2Form = {
  zoneId: "",
  name: "",
  description: "",
  type: "Vlan",
  vlanId: undefined,
  vxlanPoolId: "",
  vni: undefined,
  physicalInterface: "",
  clusterIds: [],
  sriovEnabled: false,
};

/** The server's schema, fed only the chosen type's fields (their paths stay the form's). */
const l2FormSchema = z
  .custom<L2Form>()
  .transform((form): z.input<typeof createL2Input> => ({
    ...form,
    vlanId: form.type === "Vlan" ? form.vlanId : undefined,
    vxlanPoolId: form.type === "Vxlan" ? form.vxlanPoolId || undefined : undefined,
    vni: form.type === "Vxlan" ? form.vni : undefined,
  }))
  .pipe(createL2Input);

/** Domain errors that belong to one field without naming it. */
const l2Field = domainFields(
  {
    VNI_IN_USE: "vni",
    VNI_OUT_OF_RANGE: "vni",
    SRIOV_NOT_ALLOWED_ON_VXLAN: "sriovEnabled",
    CLUSTER_NOT_IN_ZONE: "clusterIds",
  },
  { Zone: "zoneId", "VXLAN pool": "vxlanPoolId", Cluster: "clusterIds" },
);

export function CreateL2Dialog({ onClose, toggles }: { onClose: () => void; toggles: L2Toggles }) {
  const create = useNetworkCreate("l2", (api, input: RouterInputs["networks"]["l2"]["create"]) =>
    api.networks.l2.create.mutate(input),
  );
  return (
    <FormDialog
      onClose={onClose}
      title="Create L2 network"
      wide
      columns
      schema={l2FormSchema}
      defaultValues={emptyForm}
      pendingLabel="Creating…"
      domainField={l2Field}
      onSubmit={(values) => create.mutateAsync(values)}
    >
      <L2Fields toggles={toggles} />
    </FormDialog>
  );
}

function L2Fields({ toggles }: { toggles: L2Toggles }) {
  const trpc = useTRPC();
  const { getValues, setValue } = useFormContext<L2Form>();
  const zones = useQuery(trpc.inventory.zones.queryOptions());
  const pools = useQuery(trpc.networks.vxlanPools.list.queryOptions({}));
  const [zoneId, type, poolId] = useWatch<L2Form, ["zoneId", "type", "vxlanPoolId"]>({
    name: ["zoneId", "type", "vxlanPoolId"],
  });
  const clusters = useQuery({
    ...trpc.inventory.clusters.queryOptions({ zoneId, limit: CLUSTER_PICKER_LIMIT }),
    select: pageItems,
    enabled: zoneId !== "",
  });
  // One zone (the demo, most small clouds): pick it.
  useEffect(() => {
    const only = zones.data?.length === 1 ? zones.data[0]?.id : undefined;
    if (only && !getValues("zoneId")) setValue("zoneId", only);
  }, [zones.data, getValues, setValue]);

  const zoneClusters = clusters.data ?? [];
  const zonePools = pools.data?.filter((p) => p.zoneId === zoneId) ?? [];
  const pool = zonePools.find((p) => p.id === poolId);
  const freeVni = pool ? firstFreeVni(pool) : null;
  const toggle = toggles[type];

  return (
    <>
      <SelectField
        name="zoneId"
        label="Zone"
        options={withPrompt(
          zones.isPending
            ? null
            : (zones.data ?? []).map((zone) => ({ value: zone.id, label: zone.name })),
          "Select a zone…",
          "Loading zones…",
        )}
        // Clusters and pools belong to a zone: another zone's are no longer choices.
        onChange={() => {
          setValue("clusterIds", []);
          setValue("vxlanPoolId", "");
        }}
      />
      <TextField name="name" label="Name" placeholder="prod-vlan100" autoFocus />
      <SelectField
        name="type"
        label="Type"
        options={l2Types.map((value) => ({ value, label: l2TypeLabel[value] }))}
      />
      {type === "Vlan" ? (
        <NumberField
          name="vlanId"
          label="VLAN id"
          hint="1 to 4094"
          min={1}
          max={4094}
          placeholder="100"
        />
      ) : null}
      {type === "Vxlan" ? (
        <>
          <SelectField
            name="vxlanPoolId"
            label="VXLAN pool"
            hint={
              zonePools.length === 0 && pools.isSuccess ? (
                <>
                  No VXLAN pool in this zone yet. <a href="/networks/vxlan-pools">Create one</a>{" "}
                  first.
                </>
              ) : undefined
            }
            options={[
              { value: "", label: "Select a pool…" },
              ...zonePools.map((p) => ({
                value: p.id,
                label: `${p.name} (${p.vniStart}–${p.vniEnd})`,
              })),
            ]}
          />
          <NumberField
            name="vni"
            label="VNI"
            hint={
              pool
                ? `${pool.vniStart} to ${pool.vniEnd}; ${pool.usedVnis.length} in use${freeVni !== null ? `, first free ${freeVni}` : ", none free"}.`
                : "From the pool's range."
            }
            min={pool?.vniStart ?? 1}
            max={pool?.vniEnd ?? 16_777_215}
            placeholder={freeVni !== null ? String(freeVni) : undefined}
          />
        </>
      ) : null}
      <TextField
        name="physicalInterface"
        label="Physical interface"
        code
        placeholder="em1"
        hint="On each host it resolves to a PF (em1) or to the slaves of a bond (bond0)."
      />
      <TextField name="description" label="Description (optional)" />
      <CheckListField
        name="clusterIds"
        label="Clusters"
        options={zoneClusters.map((cluster) => ({
          value: cluster.id,
          label: cluster.name,
          sub: `${cluster.hostCount} host${cluster.hostCount === 1 ? "" : "s"}`,
        }))}
        empty={
          !zoneId
            ? "Pick a zone to see its clusters."
            : clusters.isPending
              ? "Loading clusters…"
              : "This zone has no clusters."
        }
        hint="Hosts of these clusters can put NICs on the network. You can attach more later."
      />
      <div className="span-all">
        <CheckField
          name="sriovEnabled"
          label="Enable SR-IOV"
          disabledReason={toggle.allowed ? null : toggle.reason}
          hint="L3 networks on it may then hand VFs to VM NICs, on hosts where the interface is split."
        />
      </div>
    </>
  );
}

function firstFreeVni(pool: {
  vniStart: number;
  vniEnd: number;
  usedVnis: number[];
}): number | null {
  const used = new Set(pool.usedVnis);
  for (let vni = pool.vniStart; vni <= pool.vniEnd && vni < pool.vniStart + 100_000; vni++) {
    if (!used.has(vni)) return vni;
  }
  return null;
}
