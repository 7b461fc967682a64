"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field } from "~/components/Field";
import { domainCode, fieldErrorsOf } from "~/lib/errors";
import { useTRPC } from "~/trpc/react";
import { ProjectPicker, useProjects } from "../vms/shared";

export function EipsPage({ projectIds }: { projectIds: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const { projects, pending } = useProjects(projectIds);
  const [choice, setChoice] = useState("");
  const projectId = choice || projects[0]?.id || "";
  const eips = useQuery({
    ...trpc.netservices.eips.list.queryOptions({ projectId }),
    enabled: Boolean(projectId),
  });
  const l3s = useQuery({
    ...trpc.vms.createOptions.queryOptions({ projectId }),
    enabled: Boolean(projectId),
  });
  const l3Name = new Map((l3s.data ?? []).map((l3) => [l3.l3Id, `${l3.name} (${l3.category})`]));
  const [form, setForm] = useState({ name: "", vipL3Id: "", ip: "" });
  const [confirm, setConfirm] = useState<{
    kind: "delete" | "detach";
    id: string;
    label: string;
  } | null>(null);
  const invalidate = () => {
    void queryClient.invalidateQueries(trpc.netservices.eips.pathFilter());
    void queryClient.invalidateQueries(trpc.vms.get.pathFilter());
  };
  const create = useMutation(
    trpc.netservices.eips.create.mutationOptions({
      onSuccess: () => {
        invalidate();
        setForm((f) => ({ ...f, name: "", ip: "" }));
      },
    }),
  );
  const done = {
    onSuccess: () => {
      invalidate();
      setConfirm(null);
    },
  };
  const remove = useMutation(trpc.netservices.eips.delete.mutationOptions(done));
  const detach = useMutation(trpc.netservices.eips.detach.mutationOptions(done));
  const errors = create.error ? fieldErrorsOf(create.error) : {};
  if (domainCode(create.error) === "ALREADY_EXISTS") errors.ip = create.error?.message ?? "";
  if (domainCode(create.error) === "NO_IP_AVAILABLE") errors.vipL3Id = create.error?.message ?? "";
  const pendingConfirm = confirm?.kind === "detach" ? detach : remove;

  return (
    <>
      <div className="page-header">
        <div>
          <h1>Elastic IPs</h1>
          <p className="subtitle">
            Public addresses for VM NICs. A VF NIC on a Public or Flat L3 cannot have one (R6); on
            VRouter/Vpc it can. Attach them from a VM&apos;s NIC table.
          </p>
        </div>
        <ProjectPicker
          id={`${id}-project`}
          projects={projects}
          value={projectId}
          onChange={setChoice}
        />
      </div>
      {!projectId ? (
        <div className="empty">
          <p>{pending ? "Loading projects…" : "You are not a member of any project."}</p>
        </div>
      ) : eips.isError ? (
        <ErrorBox
          title="Could not load EIPs."
          error={eips.error}
          onRetry={() => void eips.refetch()}
        />
      ) : eips.isPending ? (
        <div className="loading" aria-busy="true">
          Loading EIPs…
        </div>
      ) : eips.data.length === 0 ? (
        <div className="empty">
          <p>
            <strong>No EIPs yet.</strong>
          </p>
          <p>Allocate one below from a network, then attach it to a NIC on the VM&apos;s page.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th>Address</th>
                <th className="hide-narrow">From L3</th>
                <th>Attached</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {eips.data.map((e) => (
                <tr key={e.id} data-testid="eip-row">
                  <td className="strong">{e.name}</td>
                  <td>
                    <code>{e.ip}</code>
                  </td>
                  <td className="hide-narrow">
                    {l3Name.get(e.vipL3Id) ?? <span className="muted">—</span>}
                  </td>
                  <td>{e.nicId ? "to a NIC" : <span className="muted">free</span>}</td>
                  <td className="row-actions">
                    <div className="actions">
                      {e.nicId ? (
                        <button
                          type="button"
                          className="btn btn-sm"
                          onClick={() =>
                            setConfirm({ kind: "detach", id: e.id, label: `${e.name} (${e.ip})` })
                          }
                        >
                          Detach
                        </button>
                      ) : null}
                      <button
                        type="button"
                        className="btn btn-sm btn-danger-outline"
                        onClick={() =>
                          setConfirm({ kind: "delete", id: e.id, label: `${e.name} (${e.ip})` })
                        }
                      >
                        Release
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {projectId ? (
        <form
          className="panel inline-create"
          noValidate
          aria-label="New EIP"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({
              projectId,
              name: form.name,
              vipL3Id: form.vipL3Id,
              ip: form.ip.trim() || undefined,
            });
          }}
        >
          <h3>Allocate an EIP</h3>
          <div className="inline-create-fields">
            <Field id={`${id}-name`} label="Name" error={errors.name}>
              <input
                id={`${id}-name`}
                value={form.name}
                placeholder="web-public"
                autoComplete="off"
                onChange={(event) => setForm((f) => ({ ...f, name: event.target.value }))}
                aria-invalid={errors.name ? true : undefined}
                aria-describedby={describedBy(`${id}-name`, errors.name)}
              />
            </Field>
            <Field id={`${id}-vipL3Id`} label="From network" error={errors.vipL3Id}>
              <select
                id={`${id}-vipL3Id`}
                value={form.vipL3Id}
                onChange={(event) => setForm((f) => ({ ...f, vipL3Id: event.target.value }))}
                aria-invalid={errors.vipL3Id ? true : undefined}
                aria-describedby={describedBy(`${id}-vipL3Id`, errors.vipL3Id)}
              >
                <option value="">
                  {l3s.isPending ? "Loading networks…" : "Select an L3 network…"}
                </option>
                {(l3s.data ?? []).map((l3) => (
                  <option key={l3.l3Id} value={l3.l3Id}>
                    {l3.name} — {l3.category}
                  </option>
                ))}
              </select>
            </Field>
            <Field id={`${id}-ip`} label="Address (optional)" error={errors.ip}>
              <input
                id={`${id}-ip`}
                value={form.ip}
                placeholder="any free"
                inputMode="decimal"
                spellCheck={false}
                onChange={(event) => setForm((f) => ({ ...f, ip: event.target.value }))}
                aria-invalid={errors.ip ? true : undefined}
                aria-describedby={describedBy(`${id}-ip`, errors.ip)}
              />
            </Field>
            <button type="submit" className="btn btn-primary" disabled={create.isPending}>
              {create.isPending ? "Allocating…" : "Allocate"}
            </button>
          </div>
          {create.error && Object.keys(errors).length === 0 ? (
            <ErrorBox error={create.error} />
          ) : null}
        </form>
      ) : null}

      <ConfirmDialog
        open={confirm !== null}
        title={
          confirm?.kind === "detach"
            ? `Detach ${confirm.label}?`
            : `Release ${confirm?.label ?? ""}?`
        }
        confirmLabel={confirm?.kind === "detach" ? "Detach" : "Release"}
        danger
        pending={pendingConfirm.isPending}
        error={pendingConfirm.isError ? <ErrorBox error={pendingConfirm.error} /> : null}
        onClose={() => {
          setConfirm(null);
          remove.reset();
          detach.reset();
        }}
        onConfirm={() => {
          if (!confirm) return;
          if (confirm.kind === "detach") detach.mutate({ eipId: confirm.id });
          else remove.mutate({ eipId: confirm.id });
        }}
      >
        <p>
          {confirm?.kind === "detach"
            ? "The NIC loses its public address; the EIP stays in the project."
            : "The address goes back to the network's pool, and the NIC it is attached to loses it."}
        </p>
      </ConfirmDialog>
    </>
  );
}
