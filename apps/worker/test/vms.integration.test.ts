import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@virtfn/agent";
import {
  addSecurityGroupMember,
  attachEip,
  attachNic,
  createEip,
  createSecurityGroup,
  createVm,
  deleteL3Network,
  deleteOffering,
  deleteVm,
  detachNic,
  getVm,
  listVms,
  migrateVm,
  placementHosts,
  rebootHost,
  rebootVm,
  setNicQos,
  setNicType,
  startVm,
  stopVm,
  vmCreateOptions,
  type L3View,
} from "@virtfn/core";
import type { RunningWorker } from "../src/index";
import { createFixture, startInProcessWorker, waitForOperation, type Fixture } from "./helpers";
import { addSimHost, type SimHost } from "./sriov-helpers";
import {
  catalog,
  finish,
  network,
  runningVm,
  split,
  vfConsistency,
  vmFootprint,
  type Catalog,
} from "./vms-helpers";

describe("VMs with VF NICs through the worker and sim agents", () => {
  let fx: Fixture;
  let worker: RunningWorker;
  let cat: Catalog;
  let hostA: SimHost;
  let hostB: SimHost;
  /** SR-IOV, Flat, on em1 (6 VFs on kvm-a, none on kvm-b). */
  let flat: L3View;
  /** SR-IOV, VRouter, VLAN 100 on p1p1 (1 VF on kvm-a). */
  let vlan: L3View;
  /** SR-IOV, Flat, on p1p2 (8 VFs on kvm-a): the race's only PF. */
  let race: L3View;
  /** No SR-IOV, on em2. */
  let plain: L3View;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    fx = await createFixture("vms");
    worker = await startInProcessWorker(fx.config);
    cat = await catalog(fx.db);
    [hostA, hostB] = await Promise.all([
      addSimHost(fx, agents, "kvm-a", "kvm-i350-82599"),
      addSimHost(fx, agents, "kvm-b", "kvm-i350-82599"),
    ]);
    await Promise.all([
      split(fx, hostA, "em1", 6),
      split(fx, hostA, "p1p1", 1),
      split(fx, hostA, "p1p2", 8),
    ]);
    flat = await network(fx, { name: "flat", iface: "em1", cidr: "10.20.0.0/24", sriov: true });
    vlan = await network(fx, {
      name: "vlan",
      iface: "p1p1",
      cidr: "10.21.0.0/24",
      sriov: true,
      category: "VRouter",
      vlanId: 100,
    });
    race = await network(fx, { name: "race", iface: "p1p2", cidr: "10.22.0.0/24", sriov: true });
    plain = await network(fx, { name: "plain", iface: "em2", cidr: "10.23.0.0/24", sriov: false });
  });
  afterAll(async () => {
    await worker?.close();
    await Promise.all(agents.map((agent) => agent.close()));
    await fx?.cleanup();
  });

  it("creates a VM with a VF NIC and a vNIC: the domain spec, VF Attached, FDB entry for the vNIC", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "web-1", [
      { l3Id: flat.id, sriov: true },
      { l3Id: flat.id, sriov: false, isDefault: true },
    ]);
    const detail = await getVm(fx.db, fx.tenant, { vmId: vm.id });
    expect(detail).toMatchObject({
      state: "Running",
      desiredState: "Running",
      hostName: "kvm-a",
      vfNicCount: 1,
    });
    const [vf, vnic] = detail.nics;
    if (!vf?.vf || !vnic) throw new Error("NICs missing");
    expect(vf).toMatchObject({ type: "VF", isDefault: false, vf: { state: "Attached" } });
    expect(vnic).toMatchObject({ type: "VNIC", isDefault: true, vf: null });
    expect(vf.ip).toMatch(/^10\.20\.0\.\d+$/);
    const domain = await hostA.client.getDomain(vm.id);
    expect(domain.state).toBe("running");
    expect(domain.nics).toEqual([
      { type: "vf", mac: vf.mac, pciAddress: vf.vf.pciAddress },
      { type: "vnic", mac: vnic.mac, kind: "bridge", source: "br-em1", model: "virtio", queues: 1 },
    ]);
    expect((await hostA.client.listFdb("em1")).map((e) => e.mac)).toContain(vnic.mac);
    expect(await fx.db.fdbEntry.count({ where: { nicId: vnic.id, pfName: "em1" } })).toBe(1);
    expect(detail.actions.migrate).toMatchObject({ allowed: false, code: "VF_NIC_NOT_MIGRATABLE" });
    expect(vf.capabilities.qos).toMatchObject({ allowed: false, code: "VF_NIC_QOS_UNSUPPORTED" });
  });

  it("puts the L2's VLAN on a VF NIC of a Vlan L2", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "vlan-1", [{ l3Id: vlan.id, sriov: true }]);
    const domain = await hostA.client.getDomain(vm.id);
    expect(domain.nics[0]).toMatchObject({ type: "vf", vlan: 100 });
    await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
  });

  it("R7: a VM whose second VF NIC cannot get a VF is not created, no VF stays reserved, and the error names the L3", async () => {
    const before = await vmFootprint(fx.db);
    const attempt = createVm(fx.db, fx.tenant, {
      ...cat,
      name: "greedy",
      nics: [
        { l3Id: flat.id, sriov: true },
        { l3Id: vlan.id, sriov: true },
        { l3Id: vlan.id, sriov: true },
      ],
    });
    await expect(attempt).rejects.toMatchObject({
      code: "NO_VF_AVAILABLE",
      message: `no available VF on L3 ${vlan.name}`,
    });
    expect(await vmFootprint(fx.db)).toEqual(before);
    expect(await fx.db.vm.count({ where: { name: "greedy" } })).toBe(0);
  });

  it("R7 race: 24 concurrent creates against one PF split into 8 VFs: exactly 8 succeed, 16 get NO_VF_AVAILABLE", async () => {
    const attempts = 24;
    const vfs = 8;
    console.log(
      `[race] ${attempts} concurrent createVm calls, 1 VF NIC each, against ${vfs} VFs of one PF`,
    );
    const results = await Promise.allSettled(
      Array.from({ length: attempts }, (_, i) =>
        createVm(fx.db, fx.tenant, {
          ...cat,
          name: `race-${i}`,
          nics: [{ l3Id: race.id, sriov: true }],
        }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(vfs);
    expect(lost).toHaveLength(attempts - vfs);
    for (const failure of lost)
      expect(failure.reason).toMatchObject({
        code: "NO_VF_AVAILABLE",
        message: `no available VF on L3 ${race.name}`,
      });
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
    const ops = won.map((r) => r.value.operation.id);
    for (const id of ops)
      expect((await waitForOperation(fx.db, fx.admin, id)).status).toBe("Succeeded");
    const racePf = await fx.db.physicalNic.findFirstOrThrow({
      where: { hostId: hostA.hostId, name: "p1p2" },
    });
    expect(
      await fx.db.virtualFunction.count({ where: { pfId: racePf.id, state: "Attached" } }),
    ).toBe(vfs);

    const stops = await Promise.all(
      won.map((r) => stopVm(fx.db, fx.tenant, { vmId: r.value.vm.id })),
    );
    for (const stop of stops)
      expect((await waitForOperation(fx.db, fx.admin, stop.operation.id)).status).toBe("Succeeded");
    expect(
      await fx.db.virtualFunction.count({ where: { pfId: racePf.id, state: "Available" } }),
    ).toBe(vfs);
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
    console.log(
      `[race] ${won.length} created, ${lost.length} refused with NO_VF_AVAILABLE; all ${vfs} VFs Available after stopping`,
    );
    await Promise.all(
      won.map((r) => finish(fx, deleteVm(fx.db, fx.tenant, { vmId: r.value.vm.id }))),
    );
  });

  it("R8: stop releases the VF (NIC keeps type, MAC, IP); start takes the same VF back, or another if it was taken", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "r8", [{ l3Id: flat.id, sriov: true }]);
    const before = await fx.db.vmNic.findFirstOrThrow({
      where: { vmId: vm.id },
      include: { vf: true },
    });
    const firstVf = before.vfId;
    expect(firstVf).not.toBeNull();

    expect((await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    const stopped = await fx.db.vmNic.findUniqueOrThrow({ where: { id: before.id } });
    expect(stopped).toMatchObject({
      type: "VF",
      mac: before.mac,
      ip: before.ip,
      vfId: null,
      lastVfId: firstVf,
    });
    expect(
      await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: firstVf ?? "" } }),
    ).toMatchObject({ state: "Available" });
    expect(await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).toMatchObject({
      state: "Stopped",
      desiredState: "Stopped",
    });
    expect((await hostA.client.getDomain(vm.id)).nics).toEqual([]);

    expect((await finish(fx, startVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    expect((await fx.db.vmNic.findUniqueOrThrow({ where: { id: before.id } })).vfId).toBe(firstVf);
    expect((await hostA.client.getDomain(vm.id)).nics[0]).toMatchObject({
      type: "vf",
      pciAddress: before.vf?.pciAddress,
    });

    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }));
    const thief = await runningVm(fx, fx.tenant, cat, "r8-thief", [{ l3Id: flat.id, sriov: true }]);
    expect((await fx.db.vmNic.findFirstOrThrow({ where: { vmId: thief.id } })).vfId).toBe(firstVf);
    expect((await finish(fx, startVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    const again = await fx.db.vmNic.findUniqueOrThrow({ where: { id: before.id } });
    expect(again.vfId).not.toBeNull();
    expect(again.vfId).not.toBe(firstVf);
    await Promise.all(
      [vm, thief].map((v) => finish(fx, deleteVm(fx.db, fx.tenant, { vmId: v.id }))),
    );
  });

  it("R8: starting with no free VF on the host fails with NO_VF_AVAILABLE, the VM stays stopped and nothing changes", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "r8-none", [{ l3Id: vlan.id, sriov: true }]);
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }));
    const other = await runningVm(fx, fx.tenant, cat, "r8-other", [{ l3Id: vlan.id, sriov: true }]);
    const before = await vmFootprint(fx.db);
    await expect(startVm(fx.db, fx.tenant, { vmId: vm.id })).rejects.toMatchObject({
      code: "NO_VF_AVAILABLE",
      message: expect.stringContaining(`no available VF on L3 ${vlan.name} on host kvm-a`),
    });
    expect(await vmFootprint(fx.db)).toEqual(before);
    expect((await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).state).toBe("Stopped");
    await Promise.all(
      [vm, other].map((v) => finish(fx, deleteVm(fx.db, fx.tenant, { vmId: v.id }))),
    );
  });

  it("R9: a running VM with a VF NIC cannot be live-migrated (the reason names the NIC); a vNIC-only VM can; a stopped VF VM moves only where it could start", async () => {
    const vfVm = await runningVm(fx, fx.tenant, cat, "r9-vf", [
      { l3Id: plain.id },
      { l3Id: flat.id, sriov: true },
    ]);
    const before = await vmFootprint(fx.db);
    await expect(migrateVm(fx.db, fx.tenant, { vmId: vfVm.id })).rejects.toMatchObject({
      code: "VF_NIC_NOT_MIGRATABLE",
      message: expect.stringContaining(`eth1 (L3 ${flat.name})`),
    });
    expect(await vmFootprint(fx.db)).toEqual(before);
    expect((await getVm(fx.db, fx.tenant, { vmId: vfVm.id })).actions.storageMigrate).toMatchObject(
      { allowed: false, code: "VF_NIC_NOT_MIGRATABLE" },
    );

    const vnicVm = await runningVm(fx, fx.tenant, cat, "r9-vnic", [
      { l3Id: plain.id },
      { l3Id: flat.id },
    ]);
    const [source, target] = vnicVm.hostId === hostA.hostId ? [hostA, hostB] : [hostB, hostA];
    const fdbMac = (
      await fx.db.vmNic.findFirstOrThrow({ where: { vmId: vnicVm.id, l3Id: flat.id } })
    ).mac;
    expect((await source.client.listFdb("em1")).map((e) => e.mac)).toContain(fdbMac);
    const moved = await finish(fx, migrateVm(fx.db, fx.tenant, { vmId: vnicVm.id }));
    expect(moved.status, `${moved.errorCode} ${moved.errorMessage}`).toBe("Succeeded");
    expect(await fx.db.vm.findUniqueOrThrow({ where: { id: vnicVm.id } })).toMatchObject({
      hostId: target.hostId,
      state: "Running",
    });
    expect((await target.client.getDomain(vnicVm.id)).state).toBe("running");
    await expect(source.client.getDomain(vnicVm.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    // FDB follows the vNIC: gone from the source, present on the target.
    expect((await source.client.listFdb("em1")).map((e) => e.mac)).not.toContain(fdbMac);
    expect((await target.client.listFdb("em1")).map((e) => e.mac)).toContain(fdbMac);

    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vfVm.id }));
    // Issue 10: a stopped VF VM moves only where it could start. kvm-b has no VFs on em1, so it
    // is not a destination, whoever asks; and only admins may name one.
    await expect(
      migrateVm(fx.db, fx.tenant, { vmId: vfVm.id, targetHostId: hostB.hostId }),
    ).rejects.toMatchObject({ code: "ADMIN_ONLY" });
    await expect(
      migrateVm(fx.db, fx.admin, { vmId: vfVm.id, targetHostId: hostB.hostId }),
    ).rejects.toMatchObject({
      code: "NO_MIGRATION_TARGET",
      details: { hosts: [{ name: "kvm-b", reason: expect.stringContaining("free VF") }] },
    });
    await expect(migrateVm(fx.db, fx.tenant, { vmId: vfVm.id })).rejects.toMatchObject({
      code: "NO_MIGRATION_TARGET",
    });
    expect(await fx.db.vm.findUniqueOrThrow({ where: { id: vfVm.id } })).toMatchObject({
      hostId: hostA.hostId,
      state: "Stopped",
    });
    await Promise.all(
      [vfVm, vnicVm].map((v) => finish(fx, deleteVm(fx.db, fx.tenant, { vmId: v.id }))),
    );
  });

  it("R10: a NIC's type changes only while the VM is stopped; the next start gives the new VF NIC a VF", async () => {
    // The VF NIC pins the VM to kvm-a, the only host with VFs on em1.
    const vm = await runningVm(fx, fx.tenant, cat, "r10", [
      { l3Id: flat.id, sriov: true },
      { l3Id: flat.id },
    ]);
    const nic = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: vm.id, deviceIndex: 1 } });
    const before = await vmFootprint(fx.db);
    await expect(setNicType(fx.db, fx.tenant, { nicId: nic.id, type: "VF" })).rejects.toMatchObject(
      { code: "VM_NOT_STOPPED" },
    );
    expect(await vmFootprint(fx.db)).toEqual(before);
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }));
    expect(await setNicType(fx.db, fx.tenant, { nicId: nic.id, type: "VF" })).toMatchObject({
      type: "VF",
    });
    expect(await fx.db.fdbEntry.count({ where: { nicId: nic.id } })).toBe(0);
    expect((await finish(fx, startVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe("Succeeded");
    const domain = await hostA.client.getDomain(vm.id);
    expect(domain.nics[1]).toMatchObject({ type: "vf", mac: nic.mac });
    expect((await hostA.client.listFdb("em1")).map((e) => e.mac)).not.toContain(nic.mac);
    await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
  });

  it("R4: QoS is refused on a VF NIC, and a NIC with QoS cannot be switched to VF", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "r4", [
      { l3Id: flat.id, sriov: true },
      { l3Id: flat.id },
    ]);
    const [vfNic, vnic] = await fx.db.vmNic.findMany({
      where: { vmId: vm.id },
      orderBy: { deviceIndex: "asc" },
    });
    if (!vfNic || !vnic) throw new Error("NICs missing");
    const before = await vmFootprint(fx.db);
    await expect(
      setNicQos(fx.db, fx.tenant, { nicId: vfNic.id, inboundKbps: 1000 }),
    ).rejects.toMatchObject({ code: "VF_NIC_QOS_UNSUPPORTED" });
    expect(await vmFootprint(fx.db)).toEqual(before);
    expect(await fx.db.nicQos.count({ where: { nicId: vfNic.id } })).toBe(0);
    await setNicQos(fx.db, fx.tenant, { nicId: vnic.id, inboundKbps: 1000, outboundKbps: 2000 });
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }));
    await expect(
      setNicType(fx.db, fx.tenant, { nicId: vnic.id, type: "VF" }),
    ).rejects.toMatchObject({ code: "VF_NIC_QOS_UNSUPPORTED" });
    expect((await fx.db.vmNic.findUniqueOrThrow({ where: { id: vnic.id } })).type).toBe("VNIC");
    const view = await getVm(fx.db, fx.tenant, { vmId: vm.id });
    expect(view.nics[1]?.capabilities.typeChange).toMatchObject({
      allowed: false,
      code: "VF_NIC_QOS_UNSUPPORTED",
    });
    await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
  });

  it("R5: a VF NIC cannot join a security group on any L3 category, and a member NIC cannot become a VF", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "r5", [
      { l3Id: vlan.id, sriov: true },
      { l3Id: flat.id },
    ]);
    const [vfNic, vnic] = await fx.db.vmNic.findMany({
      where: { vmId: vm.id },
      orderBy: { deviceIndex: "asc" },
    });
    if (!vfNic || !vnic) throw new Error("NICs missing");
    const group = await createSecurityGroup(fx.db, fx.tenant, {
      projectId: cat.projectId,
      name: "web",
    });
    const before = await vmFootprint(fx.db);
    await expect(
      addSecurityGroupMember(fx.db, fx.tenant, { securityGroupId: group.id, nicId: vfNic.id }),
    ).rejects.toMatchObject({
      code: "VF_NIC_SECURITY_GROUP_UNSUPPORTED",
    });
    expect(await vmFootprint(fx.db)).toEqual(before);
    await addSecurityGroupMember(fx.db, fx.tenant, { securityGroupId: group.id, nicId: vnic.id });
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }));
    await expect(
      setNicType(fx.db, fx.tenant, { nicId: vnic.id, type: "VF" }),
    ).rejects.toMatchObject({
      code: "VF_NIC_SECURITY_GROUP_UNSUPPORTED",
    });
    await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
  });

  it("R6: a VF NIC on a Flat L3 cannot have an EIP, on a VRouter L3 it can; a Flat vNIC with an EIP cannot become a VF", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "r6", [
      { l3Id: flat.id, sriov: true },
      { l3Id: vlan.id, sriov: true },
      { l3Id: flat.id },
    ]);
    const [flatVf, vrouterVf, flatVnic] = await fx.db.vmNic.findMany({
      where: { vmId: vm.id },
      orderBy: { deviceIndex: "asc" },
    });
    if (!flatVf || !vrouterVf || !flatVnic) throw new Error("NICs missing");
    const eips = await Promise.all(
      ["a", "b", "c"].map((n) =>
        createEip(fx.db, fx.tenant, {
          projectId: cat.projectId,
          name: `eip-${n}`,
          vipL3Id: plain.id,
        }),
      ),
    );
    const [e1, e2, e3] = eips;
    if (!e1 || !e2 || !e3) throw new Error("EIPs missing");
    const before = await vmFootprint(fx.db);
    await expect(
      attachEip(fx.db, fx.tenant, { eipId: e1.id, nicId: flatVf.id }),
    ).rejects.toMatchObject({ code: "VF_NIC_EIP_UNSUPPORTED" });
    expect(await vmFootprint(fx.db)).toEqual(before);
    expect((await fx.db.eip.findUniqueOrThrow({ where: { id: e1.id } })).nicId).toBeNull();
    expect(await attachEip(fx.db, fx.tenant, { eipId: e2.id, nicId: vrouterVf.id })).toMatchObject({
      nicId: vrouterVf.id,
    });
    await attachEip(fx.db, fx.tenant, { eipId: e3.id, nicId: flatVnic.id });
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: vm.id }));
    await expect(
      setNicType(fx.db, fx.tenant, { nicId: flatVnic.id, type: "VF" }),
    ).rejects.toMatchObject({ code: "VF_NIC_EIP_UNSUPPORTED" });
    await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
  });

  it("R16: a VF is never held by two NICs (the database refuses), and an L3 with NICs cannot be deleted", async () => {
    const a = await runningVm(fx, fx.tenant, cat, "r16-a", [{ l3Id: flat.id, sriov: true }]);
    const b = await runningVm(fx, fx.tenant, cat, "r16-b", [{ l3Id: flat.id }]);
    const held = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: a.id } });
    const other = await fx.db.vmNic.findFirstOrThrow({ where: { vmId: b.id } });
    await expect(
      fx.db.vmNic.update({ where: { id: other.id }, data: { vfId: held.vfId } }),
    ).rejects.toMatchObject({ code: "P2002" });
    await expect(deleteL3Network(fx.db, fx.admin, { l3Id: flat.id })).rejects.toMatchObject({
      code: "NETWORK_IN_USE",
    });
    expect(await vfConsistency(fx.db)).toEqual({
      doubles: 0,
      heldWithoutHolder: 0,
      holderOfFreeVf: 0,
    });
    await Promise.all([a, b].map((v) => finish(fx, deleteVm(fx.db, fx.tenant, { vmId: v.id }))));
  });

  it("attaches and detaches VF and vNIC NICs on a running VM (hot-plug), with FDB entries following the vNIC", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "hotplug", [{ l3Id: flat.id, sriov: true }]);
    const vfAttach = await attachNic(fx.db, fx.tenant, { vmId: vm.id, l3Id: flat.id, sriov: true });
    expect((await waitForOperation(fx.db, fx.admin, vfAttach.operation.id)).status).toBe(
      "Succeeded",
    );
    const vnicAttach = await attachNic(fx.db, fx.tenant, {
      vmId: vm.id,
      l3Id: flat.id,
      sriov: false,
    });
    expect((await waitForOperation(fx.db, fx.admin, vnicAttach.operation.id)).status).toBe(
      "Succeeded",
    );
    const vfNic = await fx.db.vmNic.findUniqueOrThrow({
      where: { id: vfAttach.nicId },
      include: { vf: true },
    });
    const vnic = await fx.db.vmNic.findUniqueOrThrow({ where: { id: vnicAttach.nicId } });
    expect(vfNic.vf?.state).toBe("Attached");
    const domain = await hostA.client.getDomain(vm.id);
    expect(domain.nics.map((n) => n.mac)).toEqual(expect.arrayContaining([vfNic.mac, vnic.mac]));
    expect((await hostA.client.listFdb("em1")).map((e) => e.mac)).toContain(vnic.mac);

    await finish(fx, detachNic(fx.db, fx.tenant, { nicId: vfNic.id }));
    await finish(fx, detachNic(fx.db, fx.tenant, { nicId: vnic.id }));
    expect(
      (await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: vfNic.vfId ?? "" } })).state,
    ).toBe("Available");
    expect((await hostA.client.getDomain(vm.id)).nics.map((n) => n.mac)).not.toContain(vfNic.mac);
    expect((await hostA.client.listFdb("em1")).map((e) => e.mac)).not.toContain(vnic.mac);
    expect(await fx.db.vmNic.count({ where: { vmId: vm.id } })).toBe(1);
    await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
    await expect(
      attachNic(fx.db, fx.tenant, { vmId: vm.id, l3Id: flat.id, sriov: true }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reboot keeps the VFs; delete releases VFs, frees IPs and MACs with the rows, and removes FDB entries", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "lifecycle", [
      { l3Id: flat.id, sriov: true },
      { l3Id: flat.id },
    ]);
    const nics = await fx.db.vmNic.findMany({
      where: { vmId: vm.id },
      orderBy: { deviceIndex: "asc" },
    });
    const vfId = nics[0]?.vfId ?? "";
    expect((await finish(fx, rebootVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
    expect((await fx.db.vmNic.findUniqueOrThrow({ where: { id: nics[0]?.id ?? "" } })).vfId).toBe(
      vfId,
    );
    expect((await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: vfId } })).state).toBe(
      "Attached",
    );

    expect((await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }))).status).toBe(
      "Succeeded",
    );
    expect(await fx.db.vm.count({ where: { id: vm.id } })).toBe(0);
    expect(await fx.db.vmNic.count({ where: { vmId: vm.id } })).toBe(0);
    expect((await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: vfId } })).state).toBe(
      "Available",
    );
    expect(await fx.db.fdbEntry.count({ where: { mac: nics[1]?.mac ?? "" } })).toBe(0);
    expect((await hostA.client.listFdb("em1")).map((e) => e.mac)).not.toContain(nics[1]?.mac);
    await expect(hostA.client.getDomain(vm.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a permanent agent failure during create rolls the reservation back: VFs Available, VM Error with the reason", async () => {
    // A VF the database believes in but the host does not have: the agent refuses with VF_NOT_FOUND.
    const pf = await fx.db.physicalNic.findFirstOrThrow({
      where: { hostId: hostA.hostId, name: "p1p1" },
    });
    const ghost = await fx.db.virtualFunction.create({
      data: {
        pfId: pf.id,
        hostId: hostA.hostId,
        index: 63,
        pciAddress: "0000:04:1f.7",
        state: "Available",
      },
    });
    const held = await fx.db.virtualFunction.updateMany({
      where: { pfId: pf.id, id: { not: ghost.id }, state: "Available" },
      data: { state: "Missing" },
    });
    try {
      const { vm, operation } = await createVm(fx.db, fx.tenant, {
        ...cat,
        name: "doomed",
        nics: [{ l3Id: vlan.id, sriov: true }],
      });
      const done = await waitForOperation(fx.db, fx.admin, operation.id);
      expect(done).toMatchObject({ status: "Failed", errorCode: "AGENT_VF_NOT_FOUND" });
      expect(
        (await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: ghost.id } })).state,
      ).toBe("Available");
      const view = await getVm(fx.db, fx.tenant, { vmId: vm.id });
      expect(view).toMatchObject({
        state: "Error",
        desiredState: "Stopped",
        lastError: { code: "AGENT_VF_NOT_FOUND" },
      });
      expect(view.nics[0]?.vf).toBeNull();
      await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
    } finally {
      await fx.db.virtualFunction.delete({ where: { id: ghost.id } });
      if (held.count > 0)
        await fx.db.virtualFunction.updateMany({
          where: { pfId: pf.id, state: "Missing" },
          data: { state: "Available" },
        });
    }
  });

  it("a create whose agent stays unreachable through every retry rolls the reservation back too", async () => {
    const hosts = await fx.db.host.findMany({ select: { id: true, agentUrl: true } });
    const restore = () =>
      Promise.all(
        hosts.map((h) =>
          fx.db.host.update({ where: { id: h.id }, data: { agentUrl: h.agentUrl } }),
        ),
      );
    // Unreachable is transient, so only running out of attempts makes this failure final.
    await Promise.all(
      hosts.map((h, i) =>
        fx.db.host.update({ where: { id: h.id }, data: { agentUrl: `http://127.0.0.1:${9 + i}` } }),
      ),
    );
    try {
      const busy = { state: { in: ["Reserved" as const, "Attached" as const] } };
      const reservedBefore = await fx.db.virtualFunction.count({ where: busy });
      const { vm, operation } = await createVm(fx.db, fx.tenant, {
        ...cat,
        name: "unreachable",
        nics: [{ l3Id: vlan.id, sriov: true }],
      });
      const done = await waitForOperation(fx.db, fx.admin, operation.id);
      expect(done).toMatchObject({ status: "Failed", errorCode: "AGENT_UNREACHABLE" });
      expect(done.attempts).toBe(fx.config.jobAttempts);
      expect(await fx.db.virtualFunction.count({ where: busy })).toBe(reservedBefore);
      expect(await getVm(fx.db, fx.tenant, { vmId: vm.id })).toMatchObject({ state: "Error" });
      await restore();
      await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
    } finally {
      await restore();
    }
  });

  it("after a host reboot the reconciler restarts VMs that should run, with their VFs back", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "survivor", [{ l3Id: flat.id, sriov: true }]);
    const stopped = await runningVm(fx, fx.tenant, cat, "sleeper", [{ l3Id: plain.id }]);
    await finish(fx, stopVm(fx.db, fx.tenant, { vmId: stopped.id }));
    const nic = await fx.db.vmNic.findFirstOrThrow({
      where: { vmId: vm.id },
      include: { vf: true },
    });
    expect((await finish(fx, rebootHost(fx.db, fx.admin, { hostId: hostA.hostId }))).status).toBe(
      "Succeeded",
    );
    expect((await hostA.client.getDomain(vm.id)).state).toBe("shutoff");
    expect(
      (await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: nic.vfId ?? "" } })).state,
    ).toBe("Missing");

    // Pass 1 queues the pf.reapply operations; the VM waits for its VF.
    const first = await worker.reconciler.runOnce();
    for (const reapply of first.flatMap((o) => o.reapplied)) {
      if (reapply.operationId) await waitForOperation(fx.db, fx.admin, reapply.operationId);
    }
    expect(await fx.db.operation.count({ where: { kind: "vm.recover", targetId: vm.id } })).toBe(0);
    // Pass 2 sees the VFs back and queues vm.recover.
    await worker.reconciler.runOnce();
    const recover = await fx.db.operation.findFirstOrThrow({
      where: { kind: "vm.recover", targetId: vm.id },
    });
    expect((await waitForOperation(fx.db, fx.admin, recover.id)).status).toBe("Succeeded");
    const domain = await hostA.client.getDomain(vm.id);
    expect(domain.state).toBe("running");
    expect(domain.nics[0]).toMatchObject({
      type: "vf",
      pciAddress: nic.vf?.pciAddress,
      mac: nic.mac,
    });
    expect(
      (await fx.db.virtualFunction.findUniqueOrThrow({ where: { id: nic.vfId ?? "" } })).state,
    ).toBe("Attached");
    expect(await fx.db.vm.findUniqueOrThrow({ where: { id: vm.id } })).toMatchObject({
      state: "Running",
    });
    expect(
      await fx.db.operation.count({ where: { kind: "vm.recover", targetId: stopped.id } }),
    ).toBe(0);
    // Level-triggered: a third pass has nothing to do.
    await worker.reconciler.runOnce();
    expect(await fx.db.operation.count({ where: { kind: "vm.recover", targetId: vm.id } })).toBe(1);
    await Promise.all(
      [vm, stopped].map((v) => finish(fx, deleteVm(fx.db, fx.tenant, { vmId: v.id }))),
    );
  });

  it("tenants act only in their projects: other projects' VMs are NOT_FOUND, and so is creating in another project (one visibility answer)", async () => {
    const otherProject = await fx.db.project.create({ data: { name: "other-project" } });
    const before = await vmFootprint(fx.db);
    await expect(
      createVm(fx.db, fx.tenant, {
        ...cat,
        projectId: otherProject.id,
        name: "x",
        nics: [{ l3Id: plain.id }],
      }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const theirs = await runningVm(fx, fx.admin, { ...cat, projectId: otherProject.id }, "theirs", [
      { l3Id: plain.id },
    ]);
    const mid = await vmFootprint(fx.db);
    await expect(stopVm(fx.db, fx.tenant, { vmId: theirs.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(getVm(fx.db, fx.tenant, { vmId: theirs.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await listVms(fx.db, fx.tenant, {})).items.map((v) => v.id)).not.toContain(theirs.id);
    expect(
      (await listVms(fx.db, fx.admin, { projectId: otherProject.id })).items.map((v) => v.id),
    ).toEqual([theirs.id]);
    expect(await vmFootprint(fx.db)).toEqual(mid);
    expect(before.vms + 1).toBe(mid.vms);
    await finish(fx, deleteVm(fx.db, fx.admin, { vmId: theirs.id }));
  });

  it("the catalog refuses deleting an offering in use, and the create form says which L3s have no free VF", async () => {
    const vm = await runningVm(fx, fx.tenant, cat, "catalog-user", [
      { l3Id: vlan.id, sriov: true },
    ]);
    await expect(
      deleteOffering(fx.db, fx.admin, { offeringId: cat.offeringId }),
    ).rejects.toMatchObject({ code: "CATALOG_IN_USE" });
    const options = await vmCreateOptions(fx.db, fx.tenant, { projectId: cat.projectId });
    expect(options.find((o) => o.l3Id === vlan.id)).toMatchObject({
      availableVfs: 0,
      sriov: { allowed: false, reason: expect.stringContaining("no free VF") },
    });
    expect(options.find((o) => o.l3Id === flat.id)).toMatchObject({ sriov: { allowed: true } });
    expect(options.find((o) => o.l3Id === plain.id)).toMatchObject({
      sriovEnabled: false,
      sriov: { allowed: false },
    });
    await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
  });

  it("concurrent creates cannot overcommit a host's CPU: each host takes as many as fit, the rest get NO_HOST_AVAILABLE", async () => {
    // 21 vCPUs: a 40-CPU sim host fits at most one, so the hosts' free CPU says how many succeed.
    const offering = await fx.db.instanceOffering.create({
      data: { name: "cpu-race", vcpus: 21, memoryMiB: 1024 },
    });
    const hosts = await placementHosts(fx.db, { hostIds: [hostA.hostId, hostB.hostId] });
    const expected = hosts.filter((host) => host.cpuCount - host.usedVcpus >= 21).length;
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        createVm(fx.db, fx.tenant, {
          ...cat,
          offeringId: offering.id,
          name: `cpu-race-${i}`,
          nics: [{ l3Id: plain.id }],
        }),
      ),
    );
    const created = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const refused = results.flatMap((r) =>
      r.status === "rejected" ? [r.reason as { code?: string }] : [],
    );
    expect(created).toHaveLength(expected);
    expect(refused.map((error) => error.code)).toEqual(
      Array(6 - expected).fill("NO_HOST_AVAILABLE"),
    );
    for (const host of await placementHosts(fx.db, { hostIds: [hostA.hostId, hostB.hostId] })) {
      expect(host.usedVcpus).toBeLessThanOrEqual(host.cpuCount);
    }
    for (const { vm, operation } of created) {
      await waitForOperation(fx.db, fx.admin, operation.id);
      await finish(fx, deleteVm(fx.db, fx.tenant, { vmId: vm.id }));
    }
  });
});
