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
