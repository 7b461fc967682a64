"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog, Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field, numberOrUndefined } from "~/components/Field";
import { useCan } from "~/components/session";
import { errorData, fieldErrorsOf } from "~/lib/errors";
import { dateTime } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

export function VxlanPoolsPage() {
  const trpc = useTRPC();
  const isAdmin = useCan("inventory.manage");
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const pools = useQuery(trpc.networks.vxlanPools.list.queryOptions({}));
  const remove = useMutation(
    trpc.networks.vxlanPools.delete.mutationOptions({
      onSuccess: () => {
        setDeleting(null);
        void queryClient.invalidateQueries(trpc.networks.vxlanPools.pathFilter());
      },
    }),
  );

  return (
    <>
      <div className="page-header">
        <div>
          <h1>VXLAN pools</h1>
          <p className="subtitle">
            VNI ranges that VXLAN L2 networks draw from. VXLAN networks cannot enable SR-IOV: VF
            traffic bypasses the host&apos;s tunnel.
          </p>
        </div>
        {isAdmin ? (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            Create VXLAN pool
          </button>
        ) : null}
      </div>
      {pools.isError && !pools.data ? (
        <ErrorBox
          title="Could not load VXLAN pools."
          error={pools.error}
          onRetry={() => void pools.refetch()}
        />
      ) : pools.isPending ? (
        <div className="loading" aria-busy="true">
          Loading VXLAN pools…
        </div>
      ) : pools.data.length === 0 ? (
        <div className="empty">
          <p>
            <strong>No VXLAN pools yet.</strong>
          </p>
          {isAdmin ? (
            <p>
              A VXLAN L2 network takes its VNI from a pool.{" "}
              <button
                type="button"
                className="btn btn-primary btn-sm"
                onClick={() => setCreating(true)}
              >
                Create VXLAN pool
              </button>
            </p>
          ) : (
            <p>An admin has not defined any VXLAN pools.</p>
          )}
        </div>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th className="hide-narrow">Zone</th>
                <th className="num">VNIs</th>
                <th className="num">In use</th>
                <th className="hide-narrow">Created</th>
                {isAdmin ? <th className="num">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {pools.data.map((pool) => (
                <tr key={pool.id} data-testid="vxlan-pool-row">
                  <td className="strong">{pool.name}</td>
                  <td className="hide-narrow">{pool.zoneName}</td>
                  <td className="num">
                    {pool.vniStart}–{pool.vniEnd}
                  </td>
                  <td className="num" title={pool.usedVnis.join(", ") || undefined}>
                    {pool.usedVnis.length} / {pool.vniEnd - pool.vniStart + 1}
                  </td>
                  <td className="hide-narrow">{dateTime(pool.createdAt)}</td>
                  {isAdmin ? (
                    <td className="num">
                      <button
                        type="button"
                        className="btn btn-sm btn-danger-outline"
                        onClick={() => setDeleting(pool)}
                      >
                        Delete
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {isAdmin ? (
        <>
          <CreatePoolDialog open={creating} onClose={() => setCreating(false)} />
          <ConfirmDialog
            open={deleting !== null}
            title={`Delete VXLAN pool ${deleting?.name ?? ""}?`}
            confirmLabel="Delete pool"
            danger
            pending={remove.isPending}
            error={remove.isError ? <ErrorBox error={remove.error} /> : null}
            onClose={() => {
              setDeleting(null);
              remove.reset();
            }}
            onConfirm={() => {
              if (deleting) remove.mutate({ poolId: deleting.id });
            }}
          >
            <p>A pool whose VNIs L2 networks use cannot be deleted.</p>
          </ConfirmDialog>
        </>
      ) : null}
    </>
  );
}

function CreatePoolDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [form, setForm] = useState({ zoneId: "", name: "", vniStart: "", vniEnd: "" });
  const zones = useQuery({ ...trpc.inventory.zones.queryOptions(), enabled: open });
  const create = useMutation(
    trpc.networks.vxlanPools.create.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.networks.vxlanPools.pathFilter());
        close();
      },
    }),
  );
  const zoneId = form.zoneId || (zones.data?.length === 1 ? (zones.data[0]?.id ?? "") : "");
  const close = () => {
    onClose();
    setForm({ zoneId: "", name: "", vniStart: "", vniEnd: "" });
    create.reset();
  };
  const errors: Record<string, string> = create.error ? fieldErrorsOf(create.error) : {};
  if (errorData(create.error).domainCode === "ALREADY_EXISTS" && create.error)
    errors.name = create.error.message;
  const unplaced = create.error && Object.keys(errors).length === 0;
  const input = (name: "name" | "vniStart" | "vniEnd") => ({
    id: `${id}-${name}`,
    name,
    value: form[name],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) =>
      setForm((f) => ({ ...f, [name]: event.target.value })),
    "aria-invalid": errors[name] ? true : undefined,
    "aria-describedby": describedBy(`${id}-${name}`, errors[name], name !== "name"),
    autoComplete: "off",
  });
  return (
    <Dialog open={open} onClose={close} title="Create VXLAN pool">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({
            zoneId,
            name: form.name,
            vniStart: numberOrUndefined(form.vniStart) ?? NaN,
            vniEnd: numberOrUndefined(form.vniEnd) ?? NaN,
          });
        }}
      >
        <div className="dialog-content form-grid">
          <Field id={`${id}-zoneId`} label="Zone" error={errors.zoneId}>
            <select
              id={`${id}-zoneId`}
              value={zoneId}
              onChange={(event) => setForm((f) => ({ ...f, zoneId: event.target.value }))}
              aria-invalid={errors.zoneId ? true : undefined}
            >
              <option value="">Select a zone…</option>
              {zones.data?.map((zone) => (
                <option key={zone.id} value={zone.id}>
                  {zone.name}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-name`} label="Name" error={errors.name}>
            <input {...input("name")} data-autofocus="" placeholder="vxlan-pool-1" />
          </Field>
          <Field
            id={`${id}-vniStart`}
            label="First VNI"
            error={errors.vniStart}
            hint="1 to 16777215"
          >
            <input
              {...input("vniStart")}
              type="number"
              inputMode="numeric"
              min={1}
              placeholder="5000"
            />
          </Field>
          <Field
            id={`${id}-vniEnd`}
            label="Last VNI"
            error={errors.vniEnd}
            hint="Not below the first VNI"
          >
            <input
              {...input("vniEnd")}
              type="number"
              inputMode="numeric"
              min={1}
              placeholder="5999"
            />
          </Field>
        </div>
        {unplaced ? <ErrorBox error={create.error} /> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create pool"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
