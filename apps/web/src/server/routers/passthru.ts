import {
  assignPciDevice,
  hostPciDevicesInput,
  listCreatablePciDevices,
  listHostPciDevices,
  listVmPciDevices,
  setAssignableInput,
  setPciDeviceAssignable,
  unassignPciDevice,
  vmPciDeviceInput,
  vmPciDevicesInput,
} from "@virtfn/core";
import { adminProcedure, authedProcedure, inventoryProcedure, router } from "../trpc";
import { passthruRouterOutputs } from "./outputs.generated";

/** Whole-device PCI passthrough (issue 17). Rules and verdicts: core/src/passthru. */
export const passthruRouter = router({
  /** Admin, Auditor. A host's PCI devices, who holds or is given each, and the mark/unmark verdicts. */
  hostDevices: inventoryProcedure
    .meta({
      rest: {
        route: "GET /hosts/:hostId/pci-devices",
        tag: "Passthrough",
        summary: "List a host's PCI devices with their passthrough availability",
      },
    })
    .input(hostPciDevicesInput)
    .output(passthruRouterOutputs.hostDevices)
    .query(({ ctx, input }) => listHostPciDevices(ctx.db, ctx.actor, input)),
  /** Anyone signed in. The create form's picker: assignable devices and why each is not free (admins); a tenant gets the reason instead. */
  creatable: authedProcedure
    .meta({
      rest: {
        route: "GET /pci-devices/creatable",
        tag: "Passthrough",
        summary: "Assignable PCI devices a new VM could be given, with their availability",
      },
    })
    .output(passthruRouterOutputs.creatable)
    .query(({ ctx }) => listCreatablePciDevices(ctx.db, ctx.actor)),
  /** Admin. Marks a device assignable (refused: IOMMU, split PF, shared IOMMU group, L2 carrier) or not. */
  setAssignable: adminProcedure
    .meta({
      rest: {
        route: "PUT /pci-devices/:pciDeviceId/assignable",
        tag: "Passthrough",
        summary: "Mark a PCI device assignable for passthrough, or not",
      },
    })
    .input(setAssignableInput)
    .output(passthruRouterOutputs.setAssignable)
    .mutation(({ ctx, input }) => setPciDeviceAssignable(ctx.db, ctx.actor, input)),
  /** Anyone who sees the VM. The devices it is given, and its host's assignable ones with verdicts. */
  vmDevices: authedProcedure
    .meta({
      rest: {
        route: "GET /vms/:vmId/pci-devices",
        tag: "Passthrough",
        summary: "A VM's passed-through PCI devices and the ones it could be given",
      },
    })
    .input(vmPciDevicesInput)
    .output(passthruRouterOutputs.vmDevices)
    .query(({ ctx, input }) => listVmPciDevices(ctx.db, ctx.actor, input)),
  /** Admin. Gives a stopped VM a device of its host; the VM holds it from its next start. */
  assign: adminProcedure
    .meta({
      rest: {
        route: "POST /vms/:vmId/pci-devices",
        tag: "Passthrough",
        summary: "Give a stopped VM a whole PCI device",
      },
    })
    .input(vmPciDeviceInput)
    .output(passthruRouterOutputs.assign)
    .mutation(({ ctx, input }) => assignPciDevice(ctx.db, ctx.actor, input)),
  /** Admin. Takes a device from a stopped VM. */
  unassign: adminProcedure
    .meta({
      rest: {
        route: "DELETE /vms/:vmId/pci-devices/:pciDeviceId",
        tag: "Passthrough",
        summary: "Take a whole PCI device from a stopped VM",
      },
    })
    .input(vmPciDeviceInput)
    .output(passthruRouterOutputs.unassign)
    .mutation(({ ctx, input }) => unassignPciDevice(ctx.db, ctx.actor, input)),
});
