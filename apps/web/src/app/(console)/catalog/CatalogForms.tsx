"use client";

import { createImageInput, createOfferingInput } from "@virtfn/core/schemas";
import type { z } from "zod";
import { FormDialog, type OpenedForm } from "~/components/ui/FormDialog";
import { NumberField, SelectField, TextField } from "~/components/ui/FormFields";

// The add forms (zod and react-hook-form): the catalog page loads them when one is first opened.

export function AddOfferingDialog(form: OpenedForm<z.output<typeof createOfferingInput>>) {
  return (
    <FormDialog
      {...form}
      title="Add offering"
      schema={createOfferingInput}
      defaultValues={{ name: "", vcpus: 2, memoryMiB: 4096, vfNumaPolicy: "none" }}
      pendingLabel="Adding…"
    >
      <TextField name="name" label="Name" placeholder="xlarge" autoFocus />
      <NumberField name="vcpus" label="vCPUs" min={1} />
      <NumberField name="memoryMiB" label="Memory (MiB)" min={128} />
      <SelectField
        name="vfNumaPolicy"
        label="VF NUMA policy"
        hint="required: every VF, the vCPUs and the memory on one NUMA node; preferred: one node when a host has it; none: anywhere."
        options={["none", "preferred", "required"].map((policy) => ({
          value: policy,
          label: policy,
        }))}
      />
    </FormDialog>
  );
}

export function AddImageDialog(form: OpenedForm<z.output<typeof createImageInput>>) {
  return (
    <FormDialog
      {...form}
      title="Add image"
      schema={createImageInput}
      defaultValues={{ name: "", format: "qcow2", sizeGiB: 10 }}
      pendingLabel="Adding…"
    >
      <TextField name="name" label="Name" placeholder="rocky-9" autoFocus />
      <SelectField
        name="format"
        label="Format"
        options={["qcow2", "raw"].map((format) => ({ value: format, label: format }))}
      />
      <NumberField name="sizeGiB" label="Size (GiB)" min={1} />
    </FormDialog>
  );
}
