import * as core from "@virtfn/core";
import { adminProcedure, authedProcedure, inventoryProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve } from "./serve";
import { passthruRouterOutputs } from "./outputs.generated";

/** Whole-device PCI passthrough (issue 17). Rules and verdicts: core/src/passthru. */
export const passthruRouter = router({
  /** Admin, Auditor. A host's PCI devices, who holds or is given each, and the mark/unmark verdicts. */
  hostDevices: inventoryProcedure
    .meta(
      rest(
        "Passthrough",
        "GET /hosts/:hostId/pci-devices",
        "List a host's PCI devices with their passthrough availability",
      ),
    )
    .input(core.hostPciDevicesInput)
    .output(passthruRouterOutputs.hostDevices)
    .query(serve(core.listHostPciDevices)),
  /** Anyone signed in. The create form's picker: assignable devices, why each is not free and whether it may join the chosen ones (admins); a tenant gets the reason instead. */
  creatable: authedProcedure
    .meta(
      rest(
        "Passthrough",
        "GET /pci-devices/creatable",
        "Assignable PCI devices a new VM could be given, with their availability",
      ),
    )
    .input(core.creatablePciDevicesInput)
    .output(passthruRouterOutputs.creatable)
    .query(serve(core.listCreatablePciDevices)),
  /** Admin. Marks a device assignable (refused: IOMMU, split PF, shared IOMMU group, L2 carrier) or not. */
  setAssignable: adminProcedure
    .meta(
      rest(
        "Passthrough",
        "PUT /pci-devices/:pciDeviceId/assignable",
        "Mark a PCI device assignable for passthrough, or not",
      ),
    )
    .input(core.setAssignableInput)
    .output(passthruRouterOutputs.setAssignable)
    .mutation(serve(core.setPciDeviceAssignable)),
  /** Anyone who sees the VM. The devices it is given, and its host's assignable ones with verdicts. */
  vmDevices: authedProcedure
    .meta(
      rest(
        "Passthrough",
        "GET /vms/:vmId/pci-devices",
        "A VM's passed-through PCI devices and the ones it could be given",
      ),
    )
    .input(core.vmPciDevicesInput)
    .output(passthruRouterOutputs.vmDevices)
    .query(serve(core.listVmPciDevices)),
  /** Admin. Gives a stopped VM a device of its host; the VM holds it from its next start. */
  assign: adminProcedure
    .meta(
      rest("Passthrough", "POST /vms/:vmId/pci-devices", "Give a stopped VM a whole PCI device"),
    )
    .input(core.vmPciDeviceInput)
    .output(passthruRouterOutputs.assign)
    .mutation(serve(core.assignPciDevice)),
  /** Admin. Takes a device from a stopped VM. */
  unassign: adminProcedure
    .meta(
      rest(
        "Passthrough",
        "DELETE /vms/:vmId/pci-devices/:pciDeviceId",
        "Take a whole PCI device from a stopped VM",
      ),
    )
    .input(core.vmPciDeviceInput)
    .output(passthruRouterOutputs.unassign)
    .mutation(serve(core.unassignPciDevice)),
});
