import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgentClient } from "@virtfn/agent-client";
import { reattachVmVfs } from "@virtfn/core";
import { createCoreFixture, insertHost, type CoreFixture } from "./fixtures";

// Host reboot recovery (vms/reattach recoverVmsOnHost, run by the reconciler as reattachVmVfs): a
// VM that should run and whose domain does not gets a vm.recover operation, and the whole devices
// it was given are held again in that transaction. No worker runs here, so the operation stays
// Pending; the agent only answers its domain list, with nothing running (the host rebooted).

/** An agent client whose host runs no domain: GET /v1/domains answers []. */
function rebootedAgent() {
  return createAgentClient({
    baseUrl: "http://agent.invalid:7443",
    token: "test-token-123456",
    retries: 0,
    fetch: async (input) => {
      if (new URL(String(input)).pathname !== "/v1/domains")
        throw new Error(`unexpected agent call ${String(input)}`);
      return new Response("[]", { headers: { "content-type": "application/json" } });
    },
  });
}

describe("host reboot recovery re-takes the VM's whole devices", () => {
  let fx: CoreFixture;

  beforeAll(async () => {
    fx = await createCoreFixture("hostrecovery");
  });
  afterAll(async () => {
    await fx?.cleanup();
  });

  it("holds the device the VM was given, not another assignable one on its host", async () => {
    const host = await insertHost(fx.db, { name: "kvm-rec1", clusterId: fx.clusterA, pfs: [] });
    const gpu = (pciAddress: string, iommuGroup: number) =>
      fx.db.pciDevice.create({
        data: {
          hostId: host.id,
          pciAddress,
          classCode: "0x030000",
          vendorId: "10de",
          deviceId: "1eb8",
          iommuGroup,
          assignable: true,
        },
      });
    // Created and given first, so a recovery that took "a free device on the host" or "a device
    // given and not held" would take this one.
    const other = await gpu("0000:3b:00.0", 40);
    const given = await gpu("0000:d8:00.0", 41);
    const [project, offering, image] = await Promise.all([
      fx.db.project.findFirstOrThrow({ where: { name: "demo-project" } }),
      fx.db.instanceOffering.findFirstOrThrow(),
      fx.db.image.findFirstOrThrow(),
    ]);
    const vmWith = (name: string, state: "Running" | "Stopped", pciDeviceId: string) =>
      fx.db.vm.create({
        data: {
          name,
          projectId: project.id,
          offeringId: offering.id,
          imageId: image.id,
          state,
          desiredState: state,
          hostId: host.id,
          clusterId: fx.clusterA,
          pciDevices: { create: { pciDeviceId } },
        },
      });
    // A stopped VM given the other GPU: it holds nothing and must not start holding it.
    await vmWith("vm-rec1-stopped", "Stopped", other.id);
    // Running before the reboot, its device not held (stop or a failed start let it go).
    const vm = await vmWith("vm-rec1", "Running", given.id);

    expect(await reattachVmVfs(fx.db, host.id, rebootedAgent())).toBe(1);

    const holds = await fx.db.vmPciDevice.findMany({
      where: { heldId: { not: null } },
      select: { vmId: true, heldId: true },
    });
    expect(holds).toEqual([{ vmId: vm.id, heldId: given.id }]);
    const recovering = await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } });
    expect(recovering.state).toBe("Starting");
    const operation = await fx.db.operation.findFirstOrThrow({
      where: { kind: "vm.recover", targetId: vm.id },
    });
    expect(operation.status).toBe("Pending");
    const audit = await fx.db.auditEvent.findFirstOrThrow({
      where: { action: "vm.recover", targetId: vm.id },
    });
    expect(audit.details).toMatchObject({ host: "kvm-rec1", hostdevs: "0000:d8:00.0" });
  });
});
