// The VM page reads its VM in one statement through the pool (issue 9: Prisma's Node CPU).
// Checked here against Prisma's nested read over the same rows, on a VM with a vNIC carrying
// QoS, security groups and an EIP, a VF NIC holding a VF with an observed port, a VF NIC that
// lost its VF, a passthrough device, failed and active operations; and counted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getVm, type Actor } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { createTestDatabase, type TestDatabase } from "@virtfn/db/testing";
import { generateFleet } from "../../../bench/lib/fleet";
import { vmsRouterOutputs } from "../../../apps/web/src/server/routers/outputs.generated";
import { readVm } from "../src/vms/vm-read";
import { statementsOf } from "./statements";

let database: TestDatabase;
let db: Db;
let admin: Actor;
let vmId: string;
const observedAt = new Date("2026-05-06T07:08:09.123Z");

beforeAll(async () => {
  database = await createTestDatabase("vm-detail-read");
  db = database.db;
  await generateFleet(database.url, { hosts: 2 });
  const adminUser = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
  admin = { userId: adminUser.id, username: "admin", role: "Admin", projectIds: [] };
  // vm-00001-0 runs with a vNIC (device 0) and a VF NIC holding a VF (device 1).
  const vm = await db.vm.findFirstOrThrow({
    where: { name: "vm-00001-0" },
    include: { nics: { orderBy: { deviceIndex: "asc" } } },
  });
  vmId = vm.id;
  const [vnic, vfNic] = vm.nics;
  if (!vnic || !vfNic?.vfId || !vm.hostId) throw new Error("fleet VM lacks its host or NICs");
  await db.virtualFunction.update({
    where: { id: vfNic.vfId },
    data: {
      portObserved: {
        mac: vfNic.mac,
        vlan: 0,
        spoofCheck: false,
        trust: true,
        linkState: "enable",
        queryRss: null,
      },
      portObservedAt: observedAt,
    },
  });
  await db.vmNic.update({
    where: { id: vfNic.id },
    data: { vfTrust: true, vfLinkState: "enable", vfQueryRss: true, migratable: true },
  });
  await db.l3Network.update({ where: { id: vfNic.l3Id }, data: { vfAllowTrust: true } });
  // A VF NIC whose VF a forced restore took: "VF lost" on a running VM.
  await db.vmNic.create({
    data: {
      vmId,
      l3Id: vfNic.l3Id,
      deviceIndex: 2,
      ip: "10.255.255.2",
      mac: "52:54:00:ff:ff:02",
      type: "VF",
    },
  });
  await db.nicQos.create({ data: { nicId: vnic.id, inboundKbps: 1000, outboundKbps: null } });
  const groups = await Promise.all(
    ["web", "db"].map((name) =>
      db.securityGroup.create({ data: { projectId: vm.projectId, name } }),
    ),
  );
  await db.securityGroupMember.createMany({
    data: groups.map((group) => ({ securityGroupId: group.id, nicId: vnic.id })),
  });
  const publicL3 = await db.l3Network.findFirstOrThrow({ where: { name: "vnic-public" } });
  await db.eip.create({
    data: {
      projectId: vm.projectId,
      name: "eip-1",
      vipL3Id: publicL3.id,
      ip: "203.0.113.7",
      nicId: vnic.id,
    },
  });
  const device = await db.pciDevice.create({
    data: {
      hostId: vm.hostId,
      pciAddress: "0000:81:00.0",
      classCode: "0x030000",
      vendorId: "10de",
      deviceId: "1eb8",
      assignable: true,
    },
  });
  await db.vmPciDevice.create({ data: { vmId, pciDeviceId: device.id, heldId: device.id } });
  // Two failed operations (the later one is the VM's last error) and one running.
  const target = { targetType: "Vm", targetId: vmId, targetName: vm.name };
  await db.operation.createMany({
    data: [
      {
        ...target,
        kind: "vm.start",
        status: "Failed",
        errorCode: "OLD",
        createdAt: new Date("2026-01-01T00:00:00Z"),
      },
      {
        ...target,
        kind: "vm.reboot",
        status: "Failed",
        errorCode: "NO_VF_AVAILABLE",
        errorMessage: "no free VF",
        createdAt: new Date("2026-01-02T00:00:00Z"),
      },
      {
        ...target,
        kind: "vm.attachNic",
        status: "Running",
        progress: 40,
        progressMessage: "attaching",
        progressPhase: "agent",
        progressDone: 2,
        progressTotal: 5,
      },
    ],
  });
});

afterAll(async () => {
  await database?.drop();
});

/** The VM as Prisma read it (a findFirst four deep, two operation reads), shaped as readVm. */
async function prismaVm(id: string) {
  const vm = await db.vm.findUniqueOrThrow({
    where: { id },
    include: {
      project: { select: { name: true } },
      host: { select: { name: true } },
      offering: { select: { id: true, name: true, vcpus: true, memoryMiB: true } },
      image: { select: { id: true, name: true } },
      pciDevices: { select: { device: { select: { pciAddress: true } } } },
      nics: {
        orderBy: { deviceIndex: "asc" },
        include: {
          l3: { include: { l2: true } },
          vf: { include: { pf: { select: { numaNode: true } } } },
          qos: true,
          securityGroups: { include: { securityGroup: { select: { id: true, name: true } } } },
          eip: { select: { id: true, name: true, ip: true } },
        },
      },
    },
  });
  const [failed, active] = await Promise.all([
    db.operation.findFirst({
      where: { targetType: "Vm", targetId: id, status: "Failed" },
      orderBy: { createdAt: "desc" },
    }),
    db.operation.findFirst({
      where: { targetType: "Vm", targetId: id, status: { in: ["Pending", "Running"] } },
    }),
  ]);
  return {
    id: vm.id,
    name: vm.name,
    projectId: vm.projectId,
    projectName: vm.project.name,
    state: vm.state,
    desiredState: vm.desiredState,
    hostId: vm.hostId,
    hostName: vm.host?.name ?? null,
    clusterId: vm.clusterId,
    numaNode: vm.numaNode,
    createdAt: vm.createdAt,
    offering: vm.offering,
    image: vm.image,
    pciAddresses: vm.pciDevices.map((assigned) => assigned.device.pciAddress),
    nics: vm.nics.map((nic) => ({
      id: nic.id,
      deviceIndex: nic.deviceIndex,
      type: nic.type,
      mac: nic.mac,
      ip: nic.ip,
      isDefault: nic.isDefault,
      model: nic.model,
      mode: nic.mode,
      queues: nic.queues,
      migratable: nic.migratable,
      vfTrust: nic.vfTrust,
      vfLinkState: nic.vfLinkState,
      vfQueryRss: nic.vfQueryRss,
      l3: {
        id: nic.l3.id,
        name: nic.l3.name,
        category: nic.l3.category,
        sriovEnabled: nic.l3.sriovEnabled,
        vfAllowTrust: nic.l3.vfAllowTrust,
        vfSpoofCheck: nic.l3.vfSpoofCheck,
        l2: {
          name: nic.l3.l2.name,
          sriovEnabled: nic.l3.l2.sriovEnabled,
          vlanId: nic.l3.l2.vlanId,
          vfAllowTrust: nic.l3.l2.vfAllowTrust,
          vfSpoofCheck: nic.l3.l2.vfSpoofCheck,
        },
      },
      vf: nic.vf && {
        id: nic.vf.id,
        pciAddress: nic.vf.pciAddress,
        state: nic.vf.state,
        numaNode: nic.vf.pf.numaNode,
        portObserved: nic.vf.portObserved,
        portObservedAt: nic.vf.portObservedAt,
      },
      qos: nic.qos && { inboundKbps: nic.qos.inboundKbps, outboundKbps: nic.qos.outboundKbps },
      securityGroups: nic.securityGroups
        .map((member) => member.securityGroup)
        .sort((a, b) => a.name.localeCompare(b.name)),
      eip: nic.eip,
    })),
    lastError: failed && {
      operationId: failed.id,
      kind: failed.kind,
      code: failed.errorCode,
      message: failed.errorMessage,
    },
    activeOperation: active && {
      id: active.id,
      kind: active.kind,
      status: active.status,
      progress: active.progress,
      progressMessage: active.progressMessage,
      progressPhase: active.progressPhase,
      progressDone: active.progressDone,
      progressTotal: active.progressTotal,
    },
  };
}

describe("VM detail through the pool", () => {
  it("reads every field Prisma reads, on NICs of each kind, in one statement", async () => {
    const expected = await prismaVm(vmId);
    // The set-up reached every kind of NIC and every nested part.
    expect(expected.nics.map((nic) => [nic.type, nic.vf !== null])).toEqual([
      ["VNIC", false],
      ["VF", true],
      ["VF", false],
    ]);
    expect(expected.nics[0]?.securityGroups).toHaveLength(2);
    expect(expected.pciAddresses).toEqual(["0000:81:00.0"]);
    expect(await readVm(db, admin, vmId)).toEqual(expected);

    // Every VM of the fleet too (VF NICs, vNICs only, stopped VMs without a host's VF).
    const vms = await db.vm.findMany({ select: { id: true } });
    for (const { id } of vms) expect(await readVm(db, admin, id)).toEqual(await prismaVm(id));
  });

  it("answers the API's output schema, dates as Date objects, in one statement", async () => {
    let detail: Awaited<ReturnType<typeof getVm>> | undefined;
    expect(
      await statementsOf(async () => {
        detail = await getVm(db, admin, { vmId });
      }),
    ).toBe(1);
    const parsed = vmsRouterOutputs.get.parse(detail);
    expect(parsed.createdAt).toBeInstanceOf(Date);
    expect(parsed.nics[1]?.vfPort?.observed?.at).toEqual(observedAt);
    expect(parsed.nics.map((nic) => nic.vfStatus)).toEqual([null, "Attached", "VF lost"]);
    expect(parsed.attachedVfCount).toBe(1);
    expect(parsed.lastError?.code).toBe("NO_VF_AVAILABLE");
    expect(parsed.activeOperation?.progressPhase).toBe("agent");
    expect(parsed.nics[0]?.eip?.ip).toBe("203.0.113.7");
  });

  it("hides the VM from a tenant outside its project, shows it to a member", async () => {
    const vm = await db.vm.findUniqueOrThrow({ where: { id: vmId } });
    const outsider: Actor = { userId: admin.userId, username: "x", role: "Tenant", projectIds: [] };
    expect(await readVm(db, outsider, vmId)).toBeNull();
    await expect(getVm(db, outsider, { vmId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const member: Actor = { ...outsider, projectIds: [vm.projectId] };
    expect((await readVm(db, member, vmId))?.id).toBe(vmId);
  });
});
