"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { L2Type } from "@virtfn/db";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { Dialog } from "~/components/Dialog";
import { CheckboxField, describedBy, Field, numberOrUndefined } from "~/components/Field";
import { CLUSTER_PICKER_LIMIT, pageItems } from "~/lib/clusters";
import { errorData, fieldErrorsOf } from "~/lib/errors";
import { FormActions } from "~/components/ui/FormActions";
import { useTRPC } from "~/trpc/react";
import { l2TypeLabel, l2Types } from "../shared";
import type { L2Toggles } from "../toggles";

interface FormState {
  zoneId: string;
  name: string;
  description: string;
  type: L2Type;
  vlanId: string;
  vxlanPoolId: string;
  vni: string;
  physicalInterface: string;
  clusterIds: string[];
  sriovEnabled: boolean;
}

const empty: FormState = {
  zoneId: "",
  name: "",
  description: "",
  type: "Vlan",
  vlanId: "",
  vxlanPoolId: "",
  vni: "",
  physicalInterface: "",
  clusterIds: [],
  sriovEnabled: false,
};

/** Domain errors that belong to one field land next to it. */
function domainFieldError(error: unknown): Record<string, string> {
  const data = errorData(error);
  const message = error instanceof Error ? error.message : "";
  switch (data.domainCode) {
    case "ALREADY_EXISTS":
      return { name: message };
    case "VNI_IN_USE":
    case "VNI_OUT_OF_RANGE":
      return { vni: message };
    case "SRIOV_NOT_ALLOWED_ON_VXLAN":
      return { sriovEnabled: message };
    case "CLUSTER_NOT_IN_ZONE":
      return { clusterIds: message };
    case "NOT_FOUND":
      if (data.details?.entity === "Zone") return { zoneId: message };
      if (data.details?.entity === "VXLAN pool") return { vxlanPoolId: message };
      if (data.details?.entity === "Cluster") return { clusterIds: message };
      return {};
    default:
      return {};
  }
}

export function CreateL2Dialog({
  open,
  onClose,
  toggles,
}: {
  open: boolean;
  onClose: () => void;
  toggles: L2Toggles;
}) {
  const [form, setForm] = useState<FormState>(empty);
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const zones = useQuery({ ...trpc.inventory.zones.queryOptions(), enabled: open });
  const pools = useQuery({ ...trpc.networks.vxlanPools.list.queryOptions({}), enabled: open });
  const create = useMutation(
    trpc.networks.l2.create.mutationOptions({
      onSuccess: (l2) => {
        void queryClient.invalidateQueries(trpc.networks.pathFilter());
        void queryClient.invalidateQueries(trpc.sriov.pathFilter());
        onClose();
        setForm(empty);
        router.push(`/networks/l2/${l2.id}`);
      },
    }),
  );
  const id = useId();

  // One zone (the demo, most small clouds): pick it.
  const zoneId = form.zoneId || (zones.data?.length === 1 ? (zones.data[0]?.id ?? "") : "");
  const clusters = useQuery({
    ...trpc.inventory.clusters.queryOptions({ zoneId, limit: CLUSTER_PICKER_LIMIT }),
    select: pageItems,
    enabled: open && zoneId !== "",
  });
  const zoneClusters = clusters.data ?? [];
  const zonePools = pools.data?.filter((p) => p.zoneId === zoneId) ?? [];
  const pool = zonePools.find((p) => p.id === form.vxlanPoolId);
  const toggle = toggles[form.type];

  const close = () => {
    onClose();
    setForm(empty);
    create.reset();
  };
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    setForm((f) => ({ ...f, [key]: value }));
  const errors = create.error
    ? { ...fieldErrorsOf(create.error), ...domainFieldError(create.error) }
    : {};
  const unplaced = create.error && Object.keys(errors).length === 0;
  const text = (name: "name" | "description" | "vlanId" | "vni" | "physicalInterface") => ({
    id: `${id}-${name}`,
    name,
    value: form[name],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => set(name, event.target.value),
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": describedBy(
      `${id}-${name}`,
      errors[name],
      name === "physicalInterface" || name === "vni" || name === "vlanId",
    ),
  });
  const freeVni = pool ? firstFreeVni(pool) : null;

  return (
    <Dialog open={open} onClose={close} title="Create L2 network" wide>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({
            zoneId,
            name: form.name,
            description: form.description,
            type: form.type,
            vlanId: form.type === "Vlan" ? numberOrUndefined(form.vlanId) : undefined,
            vxlanPoolId: form.type === "Vxlan" ? form.vxlanPoolId || undefined : undefined,
            vni: form.type === "Vxlan" ? numberOrUndefined(form.vni) : undefined,
            physicalInterface: form.physicalInterface,
            clusterIds: form.clusterIds.filter((clusterId) =>
              zoneClusters.some((c) => c.id === clusterId),
            ),
            sriovEnabled: toggle.allowed && form.sriovEnabled,
          });
        }}
      >
        <div className="dialog-content form-grid form-cols">
          <Field id={`${id}-zoneId`} label="Zone" error={errors.zoneId}>
            <select
              id={`${id}-zoneId`}
              name="zoneId"
              value={zoneId}
              onChange={(event) =>
                setForm((f) => ({
                  ...f,
                  zoneId: event.target.value,
                  clusterIds: [],
                  vxlanPoolId: "",
                }))
              }
              aria-invalid={errors.zoneId ? true : undefined}
              aria-describedby={describedBy(`${id}-zoneId`, errors.zoneId)}
            >
              <option value="">{zones.isPending ? "Loading zones…" : "Select a zone…"}</option>
              {zones.data?.map((zone) => (
                <option key={zone.id} value={zone.id}>
                  {zone.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-name`} label="Name" error={errors.name}>
            <input
              {...text("name")}
              autoComplete="off"
              data-autofocus=""
              placeholder="prod-vlan100"
            />
          </Field>
          <Field id={`${id}-type`} label="Type" error={errors.type}>
            <select
              id={`${id}-type`}
              name="type"
              value={form.type}
              onChange={(event) => set("type", event.target.value as L2Type)}
              aria-describedby={describedBy(`${id}-type`, errors.type)}
            >
              {l2Types.map((type) => (
                <option key={type} value={type}>
                  {l2TypeLabel[type]}
                </option>
              ))}
            </select>
          </Field>
          {form.type === "Vlan" ? (
            <Field id={`${id}-vlanId`} label="VLAN id" error={errors.vlanId} hint="1 to 4094">
              <input
                {...text("vlanId")}
                type="number"
                inputMode="numeric"
                min={1}
                max={4094}
                placeholder="100"
              />
            </Field>
          ) : null}
          {form.type === "Vxlan" ? (
            <>
              <Field
                id={`${id}-vxlanPoolId`}
                label="VXLAN pool"
                error={errors.vxlanPoolId}
                hint={
                  zonePools.length === 0 && pools.isSuccess ? (
                    <>
                      No VXLAN pool in this zone yet. <a href="/networks/vxlan-pools">Create one</a>{" "}
                      first.
                    </>
                  ) : undefined
                }
              >
                <select
                  id={`${id}-vxlanPoolId`}
                  name="vxlanPoolId"
                  value={form.vxlanPoolId}
                  onChange={(event) => set("vxlanPoolId", event.target.value)}
                  aria-invalid={errors.vxlanPoolId ? true : undefined}
                  aria-describedby={describedBy(
                    `${id}-vxlanPoolId`,
                    errors.vxlanPoolId,
                    zonePools.length === 0 && pools.isSuccess,
                  )}
                >
                  <option value="">Select a pool…</option>
                  {zonePools.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name} ({p.vniStart}–{p.vniEnd})
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                id={`${id}-vni`}
                label="VNI"
                error={errors.vni}
                hint={
                  pool
                    ? `${pool.vniStart} to ${pool.vniEnd}; ${pool.usedVnis.length} in use${freeVni !== null ? `, first free ${freeVni}` : ", none free"}.`
                    : "From the pool's range."
                }
              >
                <input
                  {...text("vni")}
                  type="number"
                  inputMode="numeric"
                  min={pool?.vniStart ?? 1}
                  max={pool?.vniEnd ?? 16_777_215}
                  placeholder={freeVni !== null ? String(freeVni) : undefined}
                />
              </Field>
            </>
          ) : null}
          <Field
            id={`${id}-physicalInterface`}
            label="Physical interface"
            error={errors.physicalInterface}
            hint="On each host it resolves to a PF (em1) or to the slaves of a bond (bond0)."
          >
            <input
              {...text("physicalInterface")}
              autoComplete="off"
              spellCheck={false}
              placeholder="em1"
            />
          </Field>
          <Field id={`${id}-description`} label="Description (optional)" error={errors.description}>
            <input {...text("description")} autoComplete="off" />
          </Field>
          <fieldset
            className={`field fieldset span-all ${errors.clusterIds ? "field-invalid" : ""}`}
            aria-describedby={errors.clusterIds ? `${id}-clusters-error` : undefined}
          >
            <legend>Clusters</legend>
            {!zoneId ? (
              <p className="hint">Pick a zone to see its clusters.</p>
            ) : zoneClusters.length === 0 ? (
              <p className="hint">
                {clusters.isPending ? "Loading clusters…" : "This zone has no clusters."}
              </p>
            ) : (
              <div className="check-list">
                {zoneClusters.map((cluster) => (
                  <label key={cluster.id}>
                    <input
                      type="checkbox"
                      name="clusterIds"
                      value={cluster.id}
                      checked={form.clusterIds.includes(cluster.id)}
                      onChange={(event) =>
                        set(
                          "clusterIds",
                          event.target.checked
                            ? [...form.clusterIds, cluster.id]
                            : form.clusterIds.filter((c) => c !== cluster.id),
                        )
                      }
                    />
                    {cluster.name}
                    <span className="sub-inline">
                      {" "}
                      {cluster.hostCount} host{cluster.hostCount === 1 ? "" : "s"}
                    </span>
                  </label>
                ))}
              </div>
            )}
            <p className="hint">
              Hosts of these clusters can put NICs on the network. You can attach more later.
            </p>
            {errors.clusterIds ? (
              <p className="field-error" id={`${id}-clusters-error`} role="alert">
                {errors.clusterIds}
              </p>
            ) : null}
          </fieldset>
          <div className="span-all">
            <CheckboxField
              id={`${id}-sriovEnabled`}
              name="sriovEnabled"
              label="Enable SR-IOV"
              checked={form.sriovEnabled}
              onChange={(checked) => set("sriovEnabled", checked)}
              disabledReason={toggle.allowed ? null : toggle.reason}
              hint="L3 networks on it may then hand VFs to VM NICs, on hosts where the interface is split."
              error={errors.sriovEnabled}
            />
          </div>
        </div>
        <FormActions
          error={create.error}
          unplaced={Boolean(unplaced)}
          pending={create.isPending}
          submitLabel="Create L2 network"
          pendingLabel="Creating…"
          onCancel={close}
        />
      </form>
    </Dialog>
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
