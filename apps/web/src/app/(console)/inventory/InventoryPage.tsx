"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog, Dialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field } from "~/components/Field";
import { errorData, fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";

interface Named {
  id: string;
  name: string;
}

export function InventoryPage({ canEdit }: { canEdit: boolean }) {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Zones &amp; clusters</h1>
          <p className="subtitle">
            A zone holds clusters, L2 networks and VXLAN pools; a cluster holds KVM hosts. Either
            can be deleted only once it is empty.
          </p>
        </div>
      </div>
      <Zones canEdit={canEdit} />
      <Clusters canEdit={canEdit} />
    </>
  );
}

function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries(trpc.inventory.pathFilter());
}

/** The resources a refused delete names in `details` (ZONE_NOT_EMPTY, CLUSTER_NOT_EMPTY). */
function Blockers({ error }: { error: unknown }) {
  const details = errorData(error).details ?? {};
  const groups: Array<[string, string]> = [
    ["clusters", "Clusters"],
    ["l2Networks", "L2 networks"],
    ["vxlanPools", "VXLAN pools"],
    ["hosts", "Hosts"],
    ["vms", "VMs"],
  ];
  const lists = groups
    .map(([key, label]) => [label, (details[key] as Named[] | undefined) ?? []] as const)
    .filter(([, items]) => items.length > 0);
  if (lists.length === 0) return null;
  return (
    <div className="blockers" data-testid="delete-blockers">
      {lists.map(([label, items]) => (
        <p key={label}>
          <strong>{label}:</strong> {items.map((item) => item.name).join(", ")}
        </p>
      ))}
    </div>
  );
}

function RenameDialog({
  target,
  what,
  pending,
  error,
  onSubmit,
  onClose,
}: {
  target: Named | null;
  what: string;
  pending: boolean;
  error: unknown;
  onSubmit: (name: string) => void;
  onClose: () => void;
}) {
  const id = useId();
  const [name, setName] = useState("");
  const errors = error ? fieldErrorsOf(error) : {};
  return (
    <Dialog open={target !== null} onClose={onClose} title={`Rename ${what} ${target?.name ?? ""}`}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit(name);
        }}
      >
        <div className="dialog-content">
          <Field id={`${id}-name`} label="New name" error={errors.name}>
            <input
              id={`${id}-name`}
              defaultValue={target?.name}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describedBy(`${id}-name`, errors.name)}
              autoComplete="off"
              data-autofocus=""
            />
          </Field>
        </div>
        {error && !errors.name ? <ErrorBox error={error} /> : null}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={pending}>
            {pending ? "Renaming…" : "Rename"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function Zones({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const id = useId();
  const invalidate = useInvalidate();
  const zones = useQuery(trpc.inventory.zones.queryOptions());
  const [form, setForm] = useState({ name: "", description: "" });
  const [renaming, setRenaming] = useState<Named | null>(null);
  const [deleting, setDeleting] = useState<Named | null>(null);
  const create = useMutation(
    trpc.inventory.createZone.mutationOptions({
      onSuccess: () => {
        invalidate();
        setForm({ name: "", description: "" });
      },
    }),
  );
  const rename = useMutation(
    trpc.inventory.renameZone.mutationOptions({
      onSuccess: () => {
        invalidate();
        setRenaming(null);
      },
    }),
  );
  const remove = useMutation(
    trpc.inventory.deleteZone.mutationOptions({
      onSuccess: () => {
        invalidate();
        setDeleting(null);
      },
    }),
  );
  const errors = create.error ? fieldErrorsOf(create.error) : {};
  return (
    <section className="panel">
      <h2>
        Zones <span className="count">{zones.data?.length ?? 0}</span>
      </h2>
      {zones.isError ? (
        <ErrorBox error={zones.error} onRetry={() => void zones.refetch()} />
      ) : zones.isPending ? (
        <p className="loading">Loading zones…</p>
      ) : zones.data.length === 0 ? (
        <p className="muted" data-testid="zones-empty">
          No zones yet. Create one, then a cluster in it, before adding hosts.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th>Description</th>
                <th className="num">Clusters</th>
                <th className="num">L2 networks</th>
                <th className="num">VXLAN pools</th>
                {canEdit ? <th aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {zones.data.map((zone) => {
                const used = zone._count.clusters + zone._count.l2Networks + zone._count.vxlanPools;
                return (
                  <tr key={zone.id} data-testid="zone-row">
                    <td className="strong">{zone.name}</td>
                    <td className="muted">{zone.description || "—"}</td>
                    <td className="num">{zone._count.clusters}</td>
                    <td className="num">{zone._count.l2Networks}</td>
                    <td className="num">{zone._count.vxlanPools}</td>
                    {canEdit ? (
                      <td className="row-actions">
                        <button
                          type="button"
                          className="btn btn-sm"
                          onClick={() => setRenaming({ id: zone.id, name: zone.name })}
                        >
                          Rename
                        </button>
                        <button
                          type="button"
                          className="btn btn-sm btn-danger-outline"
                          title={used > 0 ? "Delete — the zone is not empty" : undefined}
                          onClick={() => setDeleting({ id: zone.id, name: zone.name })}
                        >
                          Delete
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canEdit ? (
        <form
          className="inline-create"
          noValidate
          aria-label="New zone"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate(form);
          }}
        >
          <h3>New zone</h3>
          <div className="inline-create-fields">
            <Field id={`${id}-name`} label="Name" error={errors.name}>
              <input
                id={`${id}-name`}
                value={form.name}
                placeholder="zone-east"
                autoComplete="off"
                onChange={(event) => setForm((f) => ({ ...f, name: event.target.value }))}
                aria-invalid={errors.name ? true : undefined}
                aria-describedby={describedBy(`${id}-name`, errors.name)}
              />
            </Field>
            <Field id={`${id}-description`} label="Description" error={errors.description}>
              <input
                id={`${id}-description`}
                value={form.description}
                placeholder="East data centre"
                autoComplete="off"
                onChange={(event) => setForm((f) => ({ ...f, description: event.target.value }))}
              />
            </Field>
            <button type="submit" className="btn btn-primary" disabled={create.isPending}>
              {create.isPending ? "Adding…" : "Add zone"}
            </button>
          </div>
          {create.error && Object.keys(errors).length === 0 ? (
            <ErrorBox error={create.error} />
          ) : null}
        </form>
      ) : null}
      <RenameDialog
        key={renaming?.id ?? "none"}
        target={renaming}
        what="zone"
        pending={rename.isPending}
        error={rename.error}
        onClose={() => {
          setRenaming(null);
          rename.reset();
        }}
        onSubmit={(name) =>
          renaming && rename.mutate({ zoneId: renaming.id, name: name || renaming.name })
        }
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete zone ${deleting?.name ?? ""}?`}
        confirmLabel="Delete zone"
        danger
        pending={remove.isPending}
        error={
          remove.isError ? (
            <>
              <ErrorBox error={remove.error} />
              <Blockers error={remove.error} />
            </>
          ) : null
        }
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ zoneId: deleting.id })}
      >
        <p>Only an empty zone can be deleted: no clusters, L2 networks or VXLAN pools.</p>
      </ConfirmDialog>
    </section>
  );
}

function Clusters({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const id = useId();
  const invalidate = useInvalidate();
  const clusters = useQuery(trpc.inventory.clusters.queryOptions());
  const zones = useQuery(trpc.inventory.zones.queryOptions());
  const [form, setForm] = useState({ zoneId: "", name: "" });
  const [renaming, setRenaming] = useState<Named | null>(null);
  const [deleting, setDeleting] = useState<Named | null>(null);
  const create = useMutation(
    trpc.inventory.createCluster.mutationOptions({
      onSuccess: () => {
        invalidate();
        setForm((f) => ({ ...f, name: "" }));
      },
    }),
  );
  const rename = useMutation(
    trpc.inventory.renameCluster.mutationOptions({
      onSuccess: () => {
        invalidate();
        setRenaming(null);
      },
    }),
  );
  const remove = useMutation(
    trpc.inventory.deleteCluster.mutationOptions({
      onSuccess: () => {
        invalidate();
        setDeleting(null);
      },
    }),
  );
  const errors = create.error ? fieldErrorsOf(create.error) : {};
  const zoneId = form.zoneId || zones.data?.[0]?.id || "";
  return (
    <section className="panel">
      <h2>
        Clusters <span className="count">{clusters.data?.length ?? 0}</span>
      </h2>
      {clusters.isError ? (
        <ErrorBox error={clusters.error} onRetry={() => void clusters.refetch()} />
      ) : clusters.isPending ? (
        <p className="loading">Loading clusters…</p>
      ) : clusters.data.length === 0 ? (
        <p className="muted" data-testid="clusters-empty">
          No clusters yet. Hosts are added into a cluster.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th>Zone</th>
                <th>Hypervisor</th>
                <th className="num">Hosts</th>
                {canEdit ? <th aria-label="Actions" /> : null}
              </tr>
            </thead>
            <tbody>
              {clusters.data.map((cluster) => (
                <tr key={cluster.id} data-testid="cluster-row">
                  <td className="strong">{cluster.name}</td>
                  <td>{cluster.zoneName}</td>
                  <td>{cluster.hypervisor}</td>
                  <td className="num">{cluster.hostCount}</td>
                  {canEdit ? (
                    <td className="row-actions">
                      <button
                        type="button"
                        className="btn btn-sm"
                        onClick={() => setRenaming({ id: cluster.id, name: cluster.name })}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        className="btn btn-sm btn-danger-outline"
                        title={
                          cluster.hostCount > 0
                            ? `Delete — ${cluster.hostCount} host(s) in it`
                            : undefined
                        }
                        onClick={() => setDeleting({ id: cluster.id, name: cluster.name })}
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
      {canEdit ? (
        <form
          className="inline-create"
          noValidate
          aria-label="New cluster"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({ zoneId, name: form.name });
          }}
        >
          <h3>New cluster</h3>
          {zones.data && zones.data.length === 0 ? (
            <p className="muted">Create a zone first.</p>
          ) : (
            <div className="inline-create-fields">
              <Field id={`${id}-zone`} label="Zone" error={errors.zoneId}>
                <select
                  id={`${id}-zone`}
                  value={zoneId}
                  onChange={(event) => setForm((f) => ({ ...f, zoneId: event.target.value }))}
                >
                  {(zones.data ?? []).map((zone) => (
                    <option key={zone.id} value={zone.id}>
                      {zone.name}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id={`${id}-name`} label="Name" error={errors.name}>
                <input
                  id={`${id}-name`}
                  value={form.name}
                  placeholder="rack-01"
                  autoComplete="off"
                  onChange={(event) => setForm((f) => ({ ...f, name: event.target.value }))}
                  aria-invalid={errors.name ? true : undefined}
                  aria-describedby={describedBy(`${id}-name`, errors.name)}
                />
              </Field>
              <button type="submit" className="btn btn-primary" disabled={create.isPending}>
                {create.isPending ? "Adding…" : "Add cluster"}
              </button>
            </div>
          )}
          {create.error && Object.keys(errors).length === 0 ? (
            <ErrorBox error={create.error} />
          ) : null}
        </form>
      ) : null}
      <RenameDialog
        key={renaming?.id ?? "none"}
        target={renaming}
        what="cluster"
        pending={rename.isPending}
        error={rename.error}
        onClose={() => {
          setRenaming(null);
          rename.reset();
        }}
        onSubmit={(name) =>
          renaming && rename.mutate({ clusterId: renaming.id, name: name || renaming.name })
        }
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete cluster ${deleting?.name ?? ""}?`}
        confirmLabel="Delete cluster"
        danger
        pending={remove.isPending}
        error={
          remove.isError ? (
            <>
              <ErrorBox error={remove.error} />
              <Blockers error={remove.error} />
            </>
          ) : null
        }
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ clusterId: deleting.id })}
      >
        <p>Only an empty cluster can be deleted: no hosts, VMs or attached L2 networks.</p>
      </ConfirmDialog>
    </section>
  );
}
