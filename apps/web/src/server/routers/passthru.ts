import * as core from "@virtfn/core";
import { passthruRouterOutputs } from "./outputs.generated";
import { admin, inventory, serviceRouter, signedIn } from "./service-router";

/** Whole-device PCI passthrough (issue 17). Rules and verdicts: core/src/passthru. */
export const passthruRouter = serviceRouter("Passthrough", passthruRouterOutputs, {
  /** Admin, Auditor. A host's PCI devices, who holds or is given each, and the mark/unmark verdicts. */
  hostDevices: inventory({
    route: "GET /hosts/:hostId/pci-devices",
    summary: "List a host's PCI devices with their passthrough availability",
    input: core.hostPciDevicesInput,
    service: core.listHostPciDevices,
  }),
  /** Anyone signed in. The create form's picker: assignable devices, why each is not free and whether it may join the chosen ones (admins); a tenant gets the reason instead. */
  creatable: signedIn({
    route: "GET /pci-devices/creatable",
    summary: "Assignable PCI devices a new VM could be given, with their availability",
    input: core.creatablePciDevicesInput,
    service: core.listCreatablePciDevices,
  }),
  /** Admin. Marks a device assignable (refused: IOMMU, split PF, shared IOMMU group, L2 carrier) or not. */
  setAssignable: admin({
    route: "PUT /pci-devices/:pciDeviceId/assignable",
    summary: "Mark a PCI device assignable for passthrough, or not",
    input: core.setAssignableInput,
    service: core.setPciDeviceAssignable,
  }),
  /** Anyone who sees the VM. The devices it is given, and its host's assignable ones with verdicts. */
  vmDevices: signedIn({
    route: "GET /vms/:vmId/pci-devices",
    summary: "A VM's passed-through PCI devices and the ones it could be given",
    input: core.vmPciDevicesInput,
    service: core.listVmPciDevices,
  }),
  /** Admin. Gives a stopped VM a device of its host; the VM holds it from its next start. */
  assign: admin({
    route: "POST /vms/:vmId/pci-devices",
    summary: "Give a stopped VM a whole PCI device",
    input: core.vmPciDeviceInput,
    service: core.assignPciDevice,
  }),
  /** Admin. Takes a device from a stopped VM. */
  unassign: admin({
    route: "DELETE /vms/:vmId/pci-devices/:pciDeviceId",
    summary: "Take a whole PCI device from a stopped VM",
    input: core.vmPciDeviceInput,
    service: core.unassignPciDevice,
  }),
});
