import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assignPciDevice,
  createVm,
  getHost,
  listCreatablePciDevices,
  migrateVm,
  setPciDeviceAssignable,
  splitPhysicalNic,
  startVm,
  stopVm,
  unassignPciDevice,
  type Actor,
  type CreateVmInput,
  type L3View,
} from "@virtfn/core";
import type { RunningAgent } from "@virtfn/agent";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, type Fixture } from "./helpers";
import { addSimHost, pfNamed, type SimHost } from "./sriov-helpers";
import { catalog, finish, network, runningVm, type Catalog } from "./vms-helpers";

// Issue 17: whole-device passthrough on a sim host of profile kvm-e810, which has a GPU alone in
// its IOMMU group (0000:3b:00.0), a GPU sharing its group with an audio function (0000:5e:00.x),
// an r8169 (eno1, carries the VMs' L2) and an E810 (ens1f0, SR-IOV).
const GPU = "0000:3b:00.0";
const SHARED_GPU = "0000:5e:00.0";
const E810 = "0000:af:00.0";
const R8169 = "0000:02:00.0";

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected a refusal");
}

describe("whole-device PCI passthrough (issue 17)", { timeout: 120_000 }, () => {
  let fx: Fixture;
  let worker: RunningWorker;
  const agents: RunningAgent[] = [];
  let host: SimHost;
  let cat: Catalog;
  let l3: L3View;
  const deviceId = async (pciAddress: string) =>
    (
      await fx.db.pciDevice.findUniqueOrThrow({
        where: { hostId_pciAddress: { hostId: host.hostId, pciAddress } },
      })
    ).id;

  beforeAll(async () => {
    fx = await createFixture("passthru");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    host = await addSimHost(fx, agents, "kvm-gpu", "kvm-e810");
    l3 = await network(fx, { name: "pt", iface: "eno1", cidr: "10.77.0.0/24", sriov: false });
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("host connect records the agent's PCI devices, with IOMMU groups, no VFs and no bridges", async () => {
    const rows = await fx.db.pciDevice.findMany({
      where: { hostId: host.hostId },
      orderBy: { pciAddress: "asc" },
    });
    expect(rows.map((r) => [r.pciAddress, r.classCode, r.iommuGroup])).toEqual([
      [R8169, "0x020000", 1],
      [GPU, "0x030200", 40],
      [SHARED_GPU, "0x030000", 41],
      ["0000:5e:00.1", "0x040300", 41],
      [E810, "0x020000", 2],
    ]);
    expect(rows.every((r) => !r.assignable && !r.missing)).toBe(true);
  });

  it("marking refuses a shared IOMMU group, an L2 carrier and a split PF; a PF marked whole is not split", async () => {
    const mark = async (pci: string, assignable = true) =>
      setPciDeviceAssignable(fx.db, fx.admin, { pciDeviceId: await deviceId(pci), assignable });
    expect((await rejection(mark(SHARED_GPU))).code).toBe("IOMMU_GROUP_SHARED");
    expect((await rejection(mark(R8169))).code).toBe("PCI_DEVICE_IN_USE");
    await mark(GPU);
    await mark(GPU, false);
    expect(
      (
        await rejection(
          setPciDeviceAssignable(fx.db, fx.tenant, {
            pciDeviceId: await deviceId(GPU),
            assignable: true,
          }),
        )
      ).code,
    ).toBe("ADMIN_ONLY");

    const e810 = await pfNamed(fx.db, host.hostId, "ens1f0");
    await mark(E810);
    const split = rejection(splitPhysicalNic(fx.db, fx.admin, { pfId: e810.id, count: 2 }));
    expect((await split).code).toBe("PCI_DEVICE_ASSIGNABLE");
    await mark(E810, false);
    await finish(fx, splitPhysicalNic(fx.db, fx.admin, { pfId: e810.id, count: 2 }));
    expect((await rejection(mark(E810))).code).toBe("PCI_DEVICE_SPLIT");
  });

  it("assign → start holds → stop releases → start re-acquires; never two holders; no migration", async () => {
    const gpu = await deviceId(GPU);
    await setPciDeviceAssignable(fx.db, fx.admin, { pciDeviceId: gpu, assignable: true });
    const vnic = [{ l3Id: l3.id, sriov: false, isDefault: true }];
    const vfL3 = await network(fx, {
      name: "ptvf",
      iface: "ens1f0",
      cidr: "10.78.0.0/24",
      sriov: true,
    });
    const a = await runningVm(fx, fx.tenant, cat, "pt-a", vnic);
    // B also has a VF NIC: its start holds a VF and the GPU together, or neither.
    const b = await runningVm(fx, fx.tenant, cat, "pt-b", [
      ...vnic,
      { l3Id: vfL3.id, sriov: true },
    ]);

    // Given to stopped VMs only, by admins.
    expect(
      (await rejection(assignPciDevice(fx.db, fx.admin, { vmId: a.id, pciDeviceId: gpu }))).code,
    ).toBe("VM_NOT_STOPPED");
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: a.id }));
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: b.id }));
    expect(
      (await rejection(assignPciDevice(fx.db, fx.tenant, { vmId: a.id, pciDeviceId: gpu }))).code,
    ).toBe("ADMIN_ONLY");
    await assignPciDevice(fx.db, fx.admin, { vmId: a.id, pciDeviceId: gpu });
    await assignPciDevice(fx.db, fx.admin, { vmId: b.id, pciDeviceId: gpu });

    const holder = async () =>
      (await fx.db.vmPciDevice.findMany({ where: { heldId: gpu }, select: { vmId: true } })).map(
        (r) => r.vmId,
      );

    // Start A: it holds the GPU, and the domain has it.
    expect((await finish(fx, startVm(fx.db, fx.tenant, { vmId: a.id }))).status).toBe("Succeeded");
    expect(await holder()).toEqual([a.id]);
    expect((await host.client.getDomain(a.id)).hostdevs).toEqual([GPU]);

    // B cannot start while A holds it; it stays stopped, and nothing of it is held.
    expect((await rejection(startVm(fx.db, fx.tenant, { vmId: b.id }))).code).toBe(
      "PCI_DEVICE_UNAVAILABLE",
    );
    expect((await fx.db.vm.findUniqueOrThrow({ where: { id: b.id } })).state).toBe("Stopped");
    const freeVfs = () =>
      fx.db.virtualFunction.count({ where: { hostId: host.hostId, state: "Available" } });
    expect(await freeVfs()).toBe(2);
    // The database refuses a second holder whatever the code does.
    await expect(
      fx.db.vmPciDevice.updateMany({ where: { vmId: b.id }, data: { heldId: gpu } }),
    ).rejects.toThrow();

    // Held devices pin A to its host, and stay marked while given.
    expect((await rejection(migrateVm(fx.db, fx.admin, { vmId: a.id }))).code).toBe(
      "PCI_DEVICE_NOT_MIGRATABLE",
    );
    expect(
      (
        await rejection(
          setPciDeviceAssignable(fx.db, fx.admin, { pciDeviceId: gpu, assignable: false }),
        )
      ).code,
    ).toBe("PCI_DEVICE_ASSIGNED");

    // Stop A releases it (the domain loses it); B then starts with it.
    expect((await finish(fx, stopVm(fx.db, fx.tenant, { vmId: a.id }))).status).toBe("Succeeded");
    expect(await holder()).toEqual([]);
    expect((await host.client.getDomain(a.id)).hostdevs).toBeUndefined();
    expect((await finish(fx, startVm(fx.db, fx.tenant, { vmId: b.id }))).status).toBe("Succeeded");
    expect(await holder()).toEqual([b.id]);

    // Stop B, start A: A re-acquires it.
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: b.id }));
    expect((await finish(fx, startVm(fx.db, fx.tenant, { vmId: a.id }))).status).toBe("Succeeded");
    expect(await holder()).toEqual([a.id]);
    expect((await host.client.getDomain(a.id)).hostdevs).toEqual([GPU]);

    // Taking it away needs the VM stopped; then it can be unmarked.
    expect(
      (await rejection(unassignPciDevice(fx.db, fx.admin, { vmId: a.id, pciDeviceId: gpu }))).code,
    ).toBe("VM_NOT_STOPPED");
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: a.id }));
    await unassignPciDevice(fx.db, fx.admin, { vmId: a.id, pciDeviceId: gpu });
    await unassignPciDevice(fx.db, fx.admin, { vmId: b.id, pciDeviceId: gpu });
    await setPciDeviceAssignable(fx.db, fx.admin, { pciDeviceId: gpu, assignable: false });
  });

  it("create with whole devices (admins): placed on their host, held with its VF, one holder, nothing left on a refusal", async () => {
    const other = await addSimHost(fx, agents, "kvm-gpu2", "kvm-e810");
    const gpu = await deviceId(GPU);
    const gpu2 = (
      await fx.db.pciDevice.findUniqueOrThrow({
        where: { hostId_pciAddress: { hostId: other.hostId, pciAddress: GPU } },
      })
    ).id;
    for (const pciDeviceId of [gpu, gpu2])
      await setPciDeviceAssignable(fx.db, fx.admin, { pciDeviceId, assignable: true });
    const vfL3 = await fx.db.l3Network.findFirstOrThrow({ where: { name: "ptvf-l3" } });
    const vnic = { l3Id: l3.id, sriov: false, isDefault: true };
    const withVf: CreateVmInput["nics"] = [vnic, { l3Id: vfL3.id, sriov: true }];
    const create = (actor: Actor, name: string, ids: string[], nics: CreateVmInput["nics"]) =>
      createVm(fx.db, actor, { ...cat, name, nics, pciDeviceIds: ids });
    const vmsNamed = (prefix: string) =>
      fx.db.vm.findMany({ where: { name: { startsWith: prefix } } });

    // Tenants neither give devices nor see the picker's list; it says why.
    expect((await rejection(create(fx.tenant, "ptc-t", [gpu2], [vnic]))).code).toBe("ADMIN_ONLY");
    const tenantPicker = await listCreatablePciDevices(fx.db, fx.tenant);
    expect([tenantPicker.canChoose, tenantPicker.devices]).toEqual([false, []]);
    expect(tenantPicker.reason).toContain("Only admins");
    const picker = await listCreatablePciDevices(fx.db, fx.admin);
    expect(picker.devices.map((d) => [d.hostName, d.pciAddress, d.unavailable])).toEqual([
      ["kvm-gpu", GPU, null],
      ["kvm-gpu2", GPU, null],
    ]);
    // Once a device is chosen, core greys out the other host's: a VM runs on one host.
    const withGpu = await listCreatablePciDevices(fx.db, fx.admin, { chosen: [gpu] });
    expect(withGpu.devices.map((d) => [d.hostName, d.choice.allowed, d.choice.code])).toEqual([
      ["kvm-gpu", true, null],
      ["kvm-gpu2", false, "PCI_DEVICE_UNAVAILABLE"],
    ]);

    // The VM goes where its device is, and its domain has it.
    expect((await finish(fx, create(fx.admin, "ptc-b", [gpu2], [vnic]))).status).toBe("Succeeded");
    const [b] = await vmsNamed("ptc-b");
    expect(b?.hostId).toBe(other.hostId);
    expect((await other.client.getDomain(b?.id ?? "")).hostdevs).toEqual([GPU]);
    // Devices on two hosts cannot go to one VM.
    expect((await rejection(create(fx.admin, "ptc-x", [gpu, gpu2], [vnic]))).code).toBe(
      "PCI_DEVICE_UNAVAILABLE",
    );

    // Two creates at once for one device, each with a VF: one VM holds both, the other create
    // is refused and leaves no VM and no VF behind.
    const freeVfs = () =>
      fx.db.virtualFunction.count({ where: { hostId: host.hostId, state: "Available" } });
    const freeBefore = await freeVfs();
    const both = await Promise.allSettled([
      create(fx.admin, "ptc-c", [gpu], withVf),
      create(fx.admin, "ptc-d", [gpu], withVf),
    ]);
    const made = both.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = both.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    expect([made.length, refused.length]).toEqual([1, 1]);
    expect(refused[0]).toMatchObject({ code: "PCI_DEVICE_UNAVAILABLE" });
    const winner = made[0];
    if (!winner) throw new Error("no create went through");
    expect((await finish(fx, Promise.resolve(winner))).status).toBe("Succeeded");
    expect(
      await vmsNamed("ptc-c").then(async (c) => c.length + (await vmsNamed("ptc-d")).length),
    ).toBe(1);
    expect(winner.vm.hostId).toBe(host.hostId);
    expect(
      (await fx.db.vmPciDevice.findMany({ where: { heldId: gpu } })).map((r) => r.vmId),
    ).toEqual([winner.vm.id]);
    expect((await host.client.getDomain(winner.vm.id)).hostdevs).toEqual([GPU]);
    expect(await freeVfs()).toBe(freeBefore - 1);
    // The host list and page count them: the GPU assignable and held (the E810 is split).
    const counted = await getHost(fx.db, fx.admin, host.hostId);
    expect([counted.pciAssignable, counted.pciHeld]).toEqual([1, 1]);
    const held = (await listCreatablePciDevices(fx.db, fx.admin)).devices.find(
      (d) => d.pciDeviceId === gpu,
    );
    expect(held?.unavailable).toBe(`${GPU} is held by VM ${winner.vm.name}`);
  });
});
