import { z } from "zod";

export const setAssignableInput = z.object({
  pciDeviceId: z.uuid(),
  assignable: z.boolean(),
});
export type SetAssignableInput = z.input<typeof setAssignableInput>;

export const vmPciDeviceInput = z.object({ vmId: z.uuid(), pciDeviceId: z.uuid() });
export type VmPciDeviceInput = z.input<typeof vmPciDeviceInput>;

export const hostPciDevicesInput = z.object({ hostId: z.uuid() });
export const vmPciDevicesInput = z.object({ vmId: z.uuid() });

/** The create form's picker: the devices ticked so far, judged with each other device. */
export const creatablePciDevicesInput = z.object({
  chosen: z.array(z.uuid("Not a PCI device id")).max(8, "At most 8 PCI devices").default([]),
});
export type CreatablePciDevicesInput = z.input<typeof creatablePciDevicesInput>;
