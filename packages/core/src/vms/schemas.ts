import { z } from "zod";
import { VmState } from "@virtfn/db/enums";
import { pageInput, sortOrder } from "../shared/page-input";

export const vmName = z
  .string()
  .trim()
  .min(1, "Give the VM a name")
  .max(64, "At most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dots, dashes and underscores only");

export const nicRequest = z.object({
  l3Id: z.uuid("Pick an L3 network"),
  /** "Enable SR-IOV": the NIC is a VF passed through to the guest. */
  sriov: z.boolean().default(false),
  isDefault: z.boolean().optional(),
});
export type NicRequest = z.input<typeof nicRequest>;

export const createVmInput = z.object({
  projectId: z.uuid("Pick a project"),
  name: vmName,
  offeringId: z.uuid("Pick an instance offering"),
  imageId: z.uuid("Pick an image"),
  nics: z
    .array(nicRequest)
    .min(1, "A VM needs at least one NIC")
    .max(16, "At most 16 NICs")
    .refine(
      (nics) => nics.filter((nic) => nic.isDefault === true).length <= 1,
      "Only one NIC can be the default",
    ),
  /** Whole PCI devices to give the VM (admins): it is placed on their host and holds them. */
  pciDeviceIds: z
    .array(z.uuid("Not a PCI device id"))
    .max(8, "At most 8 PCI devices")
    .refine((ids) => new Set(ids).size === ids.length, "A PCI device is named twice")
    .default([]),
});
export type CreateVmInput = z.input<typeof createVmInput>;

export const vmIdInput = z.object({ vmId: z.uuid("Not a VM id") });
export type VmIdInput = z.input<typeof vmIdInput>;

export const nicIdInput = z.object({ nicId: z.uuid("Not a NIC id") });
export type NicIdInput = z.input<typeof nicIdInput>;

export const attachNicInput = vmIdInput.extend({
  l3Id: z.uuid("Pick an L3 network"),
  sriov: z.boolean().default(false),
});
export type AttachNicInput = z.input<typeof attachNicInput>;

export const setNicTypeInput = nicIdInput.extend({ type: z.enum(["VF", "VNIC"]) });
export type SetNicTypeInput = z.input<typeof setNicTypeInput>;

export const migrateVmInput = vmIdInput.extend({
  /** Omitted: the scheduler picks a connected host with room in the same cluster. */
  targetHostId: z.uuid("Not a host id").optional(),
});
export type MigrateVmInput = z.input<typeof migrateVmInput>;

export const listVmsInput = pageInput.extend({
  projectId: z.uuid().optional(),
  hostId: z.uuid().optional(),
  state: z.enum(VmState).optional(),
  search: z.string().trim().max(100).optional(),
  sort: z.enum(["name", "createdAt", "state"]).default("name"),
  order: sortOrder,
});
export type ListVmsInput = z.input<typeof listVmsInput>;

export const vmCreateOptionsInput = z.object({ projectId: z.uuid("Pick a project") });
export type VmCreateOptionsInput = z.input<typeof vmCreateOptionsInput>;

/** What vm.attachNic / vm.detachNic carry from the service to the handler. */
export const nicOperationInput = z.object({ nicId: z.uuid() });
export const migrateOperationInput = z.object({
  targetHostId: z.uuid(),
  fromState: z.enum(["Running", "Stopped"]),
});
