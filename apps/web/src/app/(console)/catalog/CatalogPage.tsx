"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { ConfirmDialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { describedBy, Field, numberOrUndefined } from "~/components/Field";
import { fieldErrorsOf } from "~/lib/errors";
import { memory } from "~/lib/format";
import { useTRPC } from "~/trpc/react";

export function CatalogPage() {
  return (
    <>
      <div className="page-header">
        <div>
          <h1>Catalog</h1>
          <p className="subtitle">
            Instance offerings and images tenants pick when they create VMs.
          </p>
        </div>
      </div>
      <Offerings />
      <Images />
    </>
  );
}

function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries(trpc.catalog.pathFilter());
}

function Offerings() {
  const trpc = useTRPC();
  const id = useId();
  const invalidate = useInvalidate();
  const offerings = useQuery(trpc.catalog.offerings.queryOptions());
  const [form, setForm] = useState({ name: "", vcpus: "", memoryMiB: "" });
  const [numaPolicy, setNumaPolicy] = useState<"none" | "preferred" | "required">("none");
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const create = useMutation(
    trpc.catalog.createOffering.mutationOptions({
      onSuccess: () => {
        invalidate();
        setForm({ name: "", vcpus: "", memoryMiB: "" });
      },
    }),
  );
  const remove = useMutation(
    trpc.catalog.deleteOffering.mutationOptions({
      onSuccess: () => {
        invalidate();
        setDeleting(null);
      },
    }),
  );
  const errors = create.error ? fieldErrorsOf(create.error) : {};
  const input = (
    name: keyof typeof form,
    label: string,
    props: React.InputHTMLAttributes<HTMLInputElement>,
  ) => (
    <Field id={`${id}-${name}`} label={label} error={errors[name]}>
      <input
        id={`${id}-${name}`}
        value={form[name]}
        onChange={(event) => setForm((f) => ({ ...f, [name]: event.target.value }))}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={describedBy(`${id}-${name}`, errors[name])}
        autoComplete="off"
        {...props}
      />
    </Field>
  );
  return (
    <section className="panel">
      <h2>
        Instance offerings <span className="count">{offerings.data?.length ?? 0}</span>
      </h2>
      {offerings.isError ? (
        <ErrorBox error={offerings.error} onRetry={() => void offerings.refetch()} />
      ) : offerings.isPending ? (
        <p className="loading">Loading offerings…</p>
      ) : offerings.data.length === 0 ? (
        <p className="muted">No offerings yet: tenants cannot create VMs until there is one.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">vCPUs</th>
                <th className="num">Memory</th>
                <th title="Where the VF NICs sit relative to the VM's vCPUs and memory">VF NUMA</th>
                <th className="num">VMs</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {offerings.data.map((o) => (
                <tr key={o.id} data-testid="offering-row">
                  <td className="strong">{o.name}</td>
                  <td className="num">{o.vcpus}</td>
                  <td className="num">{memory(o.memoryMiB)}</td>
                  <td>{o.vfNumaPolicy}</td>
                  <td className="num">{o.vmCount}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="btn btn-sm btn-danger-outline"
                      disabled={o.vmCount > 0}
                      title={o.vmCount > 0 ? `Delete — used by ${o.vmCount} VM(s)` : undefined}
                      onClick={() => setDeleting({ id: o.id, name: o.name })}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form
        className="inline-create"
        noValidate
        aria-label="New offering"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({
            name: form.name,
            vcpus: numberOrUndefined(form.vcpus) as number,
            memoryMiB: numberOrUndefined(form.memoryMiB) as number,
            vfNumaPolicy: numaPolicy,
          });
        }}
      >
        <h3>New offering</h3>
        <div className="inline-create-fields">
          {input("name", "Name", { placeholder: "xlarge" })}
          {input("vcpus", "vCPUs", {
            type: "number",
            inputMode: "numeric",
            min: 1,
            placeholder: "4",
          })}
          {input("memoryMiB", "Memory (MiB)", {
            type: "number",
            inputMode: "numeric",
            min: 128,
            placeholder: "8192",
          })}
          <Field id={`${id}-vfNumaPolicy`} label="VF NUMA policy" error={errors.vfNumaPolicy}>
            <select
              id={`${id}-vfNumaPolicy`}
              value={numaPolicy}
              onChange={(event) => setNumaPolicy(event.target.value as typeof numaPolicy)}
              title="required: every VF, the vCPUs and the memory on one NUMA node; preferred: one node when a host has it; none: anywhere"
            >
              <option value="none">none</option>
              <option value="preferred">preferred</option>
              <option value="required">required</option>
            </select>
          </Field>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add offering"}
          </button>
        </div>
        {create.error && Object.keys(errors).length === 0 ? (
          <ErrorBox error={create.error} />
        ) : null}
      </form>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete offering ${deleting?.name ?? ""}?`}
        confirmLabel="Delete offering"
        danger
        pending={remove.isPending}
        error={remove.isError ? <ErrorBox error={remove.error} /> : null}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ offeringId: deleting.id })}
      >
        <p>Tenants can no longer pick it. Offerings that VMs use cannot be deleted.</p>
      </ConfirmDialog>
    </section>
  );
}

function Images() {
  const trpc = useTRPC();
  const id = useId();
  const invalidate = useInvalidate();
  const images = useQuery(trpc.catalog.images.queryOptions());
  const [form, setForm] = useState({ name: "", format: "qcow2" as "qcow2" | "raw", sizeGiB: "" });
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);
  const create = useMutation(
    trpc.catalog.createImage.mutationOptions({
      onSuccess: () => {
        invalidate();
        setForm({ name: "", format: "qcow2", sizeGiB: "" });
      },
    }),
  );
  const remove = useMutation(
    trpc.catalog.deleteImage.mutationOptions({
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
        Images <span className="count">{images.data?.length ?? 0}</span>
      </h2>
      {images.isError ? (
        <ErrorBox error={images.error} onRetry={() => void images.refetch()} />
      ) : images.isPending ? (
        <p className="loading">Loading images…</p>
      ) : images.data.length === 0 ? (
        <p className="muted">No images yet: tenants cannot create VMs until there is one.</p>
      ) : (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th>Name</th>
                <th>Format</th>
                <th className="num">Size</th>
                <th className="num">VMs</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {images.data.map((i) => (
                <tr key={i.id} data-testid="image-row">
                  <td className="strong">{i.name}</td>
                  <td>{i.format}</td>
                  <td className="num">{i.sizeGiB} GiB</td>
                  <td className="num">{i.vmCount}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="btn btn-sm btn-danger-outline"
                      disabled={i.vmCount > 0}
                      title={i.vmCount > 0 ? `Delete — used by ${i.vmCount} VM(s)` : undefined}
                      onClick={() => setDeleting({ id: i.id, name: i.name })}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form
        className="inline-create"
        noValidate
        aria-label="New image"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({
            name: form.name,
            format: form.format,
            sizeGiB: numberOrUndefined(form.sizeGiB) as number,
          });
        }}
      >
        <h3>New image</h3>
        <div className="inline-create-fields">
          <Field id={`${id}-name`} label="Name" error={errors.name}>
            <input
              id={`${id}-name`}
              value={form.name}
              placeholder="rocky-9"
              autoComplete="off"
              onChange={(event) => setForm((f) => ({ ...f, name: event.target.value }))}
              aria-invalid={errors.name ? true : undefined}
              aria-describedby={describedBy(`${id}-name`, errors.name)}
            />
          </Field>
          <Field id={`${id}-format`} label="Format" error={errors.format}>
            <select
              id={`${id}-format`}
              value={form.format}
              onChange={(event) =>
                setForm((f) => ({ ...f, format: event.target.value as "qcow2" | "raw" }))
              }
            >
              <option value="qcow2">qcow2</option>
              <option value="raw">raw</option>
            </select>
          </Field>
          <Field id={`${id}-sizeGiB`} label="Size (GiB)" error={errors.sizeGiB}>
            <input
              id={`${id}-sizeGiB`}
              type="number"
              inputMode="numeric"
              min={1}
              value={form.sizeGiB}
              placeholder="10"
              onChange={(event) => setForm((f) => ({ ...f, sizeGiB: event.target.value }))}
              aria-invalid={errors.sizeGiB ? true : undefined}
              aria-describedby={describedBy(`${id}-sizeGiB`, errors.sizeGiB)}
            />
          </Field>
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add image"}
          </button>
        </div>
        {create.error && Object.keys(errors).length === 0 ? (
          <ErrorBox error={create.error} />
        ) : null}
      </form>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete image ${deleting?.name ?? ""}?`}
        confirmLabel="Delete image"
        danger
        pending={remove.isPending}
        error={remove.isError ? <ErrorBox error={remove.error} /> : null}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ imageId: deleting.id })}
      >
        <p>Tenants can no longer pick it. Images that VMs use cannot be deleted.</p>
      </ConfirmDialog>
    </section>
  );
}
