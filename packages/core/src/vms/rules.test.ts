import { describe, expect, it } from "vitest";
import { buildDomainSpec } from "./spec";
import {
  eipVerdict,
  migratableVerdict,
  migrationVerdict,
  nicCapabilities,
  qosVerdict,
  securityGroupVerdict,
  typeChangeVerdict,
  vmActions,
  type NicFacts,
} from "./rules";
import { rankHosts, type PlacementHost } from "./scheduler";

const nic = (overrides: Partial<NicFacts> = {}): NicFacts => ({
  deviceIndex: 0,
  type: "VNIC",
  l3Name: "flat",
  l3Category: "Flat",
  sriovAvailable: true,
  hasQos: false,
  securityGroupCount: 0,
  hasEip: false,
  ...overrides,
});

describe("VM and NIC rules as pure verdicts", () => {
  it("R4: VF NICs have no QoS, and a NIC with QoS cannot become a VF", () => {
    expect(qosVerdict(nic({ type: "VF" }))).toMatchObject({
      allowed: false,
      code: "VF_NIC_QOS_UNSUPPORTED",
    });
    expect(qosVerdict(nic())).toMatchObject({ allowed: true });
    expect(typeChangeVerdict(nic({ hasQos: true }), "Stopped", "VF")).toMatchObject({
      code: "VF_NIC_QOS_UNSUPPORTED",
    });
  });

  it("R5: VF NICs cannot be in security groups on any L3 category", () => {
    for (const l3Category of ["Public", "Flat", "VRouter", "Vpc"] as const) {
      expect(securityGroupVerdict(nic({ type: "VF", l3Category }))).toMatchObject({
        code: "VF_NIC_SECURITY_GROUP_UNSUPPORTED",
      });
    }
    expect(typeChangeVerdict(nic({ securityGroupCount: 1 }), "Stopped", "VF")).toMatchObject({
      code: "VF_NIC_SECURITY_GROUP_UNSUPPORTED",
    });
  });

  it("R6: VF NICs on Public/Flat L3s cannot have an EIP; on VRouter/Vpc they can", () => {
    expect(eipVerdict(nic({ type: "VF", l3Category: "Public" }))).toMatchObject({
      code: "VF_NIC_EIP_UNSUPPORTED",
    });
    expect(eipVerdict(nic({ type: "VF", l3Category: "Flat" }))).toMatchObject({
      code: "VF_NIC_EIP_UNSUPPORTED",
    });
    expect(eipVerdict(nic({ type: "VF", l3Category: "VRouter" }))).toMatchObject({ allowed: true });
    expect(eipVerdict(nic({ type: "VF", l3Category: "Vpc" }))).toMatchObject({ allowed: true });
    expect(typeChangeVerdict(nic({ hasEip: true }), "Stopped", "VF")).toMatchObject({
      code: "VF_NIC_EIP_UNSUPPORTED",
    });
    expect(
      typeChangeVerdict(nic({ hasEip: true, l3Category: "Vpc" }), "Stopped", "VF"),
    ).toMatchObject({ allowed: true });
  });

  it("R9: a running VM with a VF NIC cannot be live- or storage-migrated, naming the NIC; a stopped one can", () => {
    const vm = {
      state: "Running" as const,
      nics: [
        { deviceIndex: 0, type: "VNIC" as const, l3Name: "a" },
        { deviceIndex: 1, type: "VF" as const, l3Name: "b" },
      ],
    };
    expect(migrationVerdict(vm, "live")).toMatchObject({
      allowed: false,
      code: "VF_NIC_NOT_MIGRATABLE",
      reason: expect.stringContaining("eth1 (L3 b)"),
    });
    expect(vmActions(vm).storageMigrate).toMatchObject({ code: "VF_NIC_NOT_MIGRATABLE" });
    expect(migrationVerdict({ ...vm, state: "Stopped" }, "live")).toMatchObject({ allowed: true });
    expect(migrationVerdict({ ...vm, nics: [] }, "live")).toMatchObject({ allowed: true });
  });

  it("R9 with migratable VF NICs (issue 17): live migration allowed; storage migration and non-migratable NICs still refused", () => {
    const vm = {
      state: "Running" as const,
      nics: [
        { deviceIndex: 0, type: "VF" as const, l3Name: "a", migratable: true },
        { deviceIndex: 1, type: "VF" as const, l3Name: "b", migratable: true },
      ],
    };
    expect(migrationVerdict(vm, "live")).toMatchObject({ allowed: true });
    expect(migrationVerdict(vm, "storage")).toMatchObject({ code: "VF_NIC_NOT_MIGRATABLE" });
    const mixed = {
      ...vm,
      nics: [...vm.nics, { deviceIndex: 2, type: "VF" as const, l3Name: "c", migratable: false }],
    };
    const refused = migrationVerdict(mixed, "live");
    expect(refused).toMatchObject({ allowed: false, code: "VF_NIC_NOT_MIGRATABLE" });
    // Only the NIC in the way is named, with how to make it migratable.
    expect(refused.reason).toContain("eth2 (L3 c)");
    expect(refused.reason).not.toContain("eth0");
    expect(refused.reason).toContain("mark the NIC migratable while the VM is stopped");
  });

  it("a NIC is marked migratable only while the VM is stopped, and only a VF NIC", () => {
    expect(migratableVerdict({ deviceIndex: 0, type: "VF" }, "Stopped")).toMatchObject({
      allowed: true,
    });
    expect(migratableVerdict({ deviceIndex: 0, type: "VF" }, "Running")).toMatchObject({
      code: "VM_NOT_STOPPED",
    });
    expect(migratableVerdict({ deviceIndex: 0, type: "VNIC" }, "Stopped")).toMatchObject({
      code: "NIC_NOT_VF",
    });
    // The NIC row's toggle is greyed out by the same verdict.
    expect(nicCapabilities(nic({ type: "VF" }), "Running").migratable).toMatchObject({
      code: "VM_NOT_STOPPED",
    });
    expect(nicCapabilities(nic({ type: "VF" }), "Stopped").migratable.allowed).toBe(true);
  });

  it("R10: a NIC's type changes only while the VM is stopped", () => {
    expect(typeChangeVerdict(nic(), "Running", "VF")).toMatchObject({ code: "VM_NOT_STOPPED" });
    expect(typeChangeVerdict(nic({ type: "VF" }), "Running", "VNIC")).toMatchObject({
      code: "VM_NOT_STOPPED",
    });
    expect(typeChangeVerdict(nic(), "Stopped", "VF")).toMatchObject({ allowed: true });
    expect(typeChangeVerdict(nic({ sriovAvailable: false }), "Stopped", "VF")).toMatchObject({
      code: "L3_SRIOV_DISABLED",
    });
    expect(nicCapabilities(nic(), "Running").typeChange.allowed).toBe(false);
    expect(vmActions({ state: "Running", nics: [] }).changeNicType.code).toBe("VM_NOT_STOPPED");
  });

  it("builds the domain: VF NICs with VLAN, vNICs with a queue per vCPU up to 8, VF NICs without a VF left out", () => {
    const l2 = { type: "Vlan" as const, vlanId: 100, physicalInterface: "em1" };
    const spec = buildDomainSpec({
      id: "3f1c6f8e-3c1e-4d5e-9a4b-1b2c3d4e5f60",
      offering: { vcpus: 16, memoryMiB: 2048 },
      image: { name: "debian-12", format: "qcow2" },
      nics: [
        {
          deviceIndex: 1,
          type: "VNIC",
          mac: "52:54:00:00:00:02",
          model: "virtio",
          mode: "bridge",
          vf: null,
          l3: { l2 },
        },
        {
          deviceIndex: 0,
          type: "VF",
          mac: "52:54:00:00:00:01",
          model: "virtio",
          mode: "bridge",
          vf: { pciAddress: "0000:01:10.0" },
          l3: { l2 },
        },
        {
          deviceIndex: 2,
          type: "VF",
          mac: "52:54:00:00:00:03",
          model: "virtio",
          mode: "bridge",
          vf: null,
          l3: { l2 },
        },
      ],
    });
    expect(spec.nics).toEqual([
      {
        type: "vf",
        mac: "52:54:00:00:00:01",
        pciAddress: "0000:01:10.0",
        vlan: 100,
        // No settings on the NIC: the agent keeps the VF at the defaults (issue 16).
        port: { spoofCheck: true, trust: false, linkState: "auto", queryRss: false },
      },
      {
        type: "vnic",
        mac: "52:54:00:00:00:02",
        kind: "bridge",
        source: "br-em1.100",
        model: "virtio",
        queues: 8,
        vlan: 100,
      },
    ]);
  });

  it("builds a migratable VF NIC as a failover pair: virtio partner (persistent) + VF (transient), the partner stays without a VF", () => {
    const l2 = { type: "Vlan" as const, vlanId: 100, physicalInterface: "p1p2" };
    const vfNic = {
      deviceIndex: 0,
      type: "VF" as const,
      mac: "52:54:00:0a:0b:0c",
      model: "virtio" as const,
      mode: "bridge" as const,
      migratable: true,
      vf: { pciAddress: "0000:01:10.0" },
      l3: { l2 },
    };
    const vm = {
      id: "3f1c6f8e-3c1e-4d5e-9a4b-1b2c3d4e5f61",
      offering: { vcpus: 2, memoryMiB: 2048 },
      image: { name: "debian-12", format: "qcow2" },
      nics: [vfNic],
    };
    const partner = {
      type: "vnic",
      mac: "52:54:00:0a:0b:0c",
      kind: "bridge",
      source: "br-p1p2.100",
      model: "virtio",
      queues: 2,
      vlan: 100,
      alias: "ua-failover-5254000a0b0c",
      teaming: { type: "persistent" },
    };
    expect(buildDomainSpec(vm).nics).toEqual([
      partner,
      {
        type: "vf",
        mac: "52:54:00:0a:0b:0c",
        pciAddress: "0000:01:10.0",
        vlan: 100,
        alias: "ua-vf-5254000a0b0c",
        teaming: { type: "transient", persistent: "ua-failover-5254000a0b0c" },
        // The network's defaults (issue 16): spoof checking on, trust off.
        port: { spoofCheck: true, trust: false, linkState: "auto", queryRss: false },
      },
    ]);
    expect(buildDomainSpec({ ...vm, nics: [{ ...vfNic, vf: null }] }).nics).toEqual([partner]);
  });

  it("ranks hosts: wrong cluster, disconnected, no IOMMU for VF NICs and no room are left out with a reason", () => {
    const base: PlacementHost = {
      id: "h",
      name: "h",
      clusterId: "c1",
      connectionState: "Connected",
      iommuEnabled: true,
      iommuKernelArgSet: true,
      iommuActive: true,
      rebootRequired: false,
      cpuCount: 8,
      memoryMiB: 8192,
      usedVcpus: 0,
      usedMemoryMiB: 0,
      physicalNics: [{ id: "pf", name: "em1", bondName: null, availableVfs: 2 }],
    };
    const demand = {
      vcpus: 2,
      memoryMiB: 2048,
      networks: [{ l2Id: "l2", physicalInterface: "em1", clusterIds: new Set(["c1"]) }],
      vfsByL2: new Map([["l2", 1]]),
    };
    const { eligible, rejected } = rankHosts(
      [
        { ...base, id: "empty", name: "empty", physicalNics: [] },
        { ...base, id: "ok", name: "ok" },
        { ...base, id: "far", name: "far", clusterId: "c2" },
        { ...base, id: "down", name: "down", connectionState: "Disconnected" },
        { ...base, id: "noiommu", name: "noiommu", iommuActive: false },
        { ...base, id: "full", name: "full", usedVcpus: 7 },
        { ...base, id: "resting", name: "resting", maintenance: true },
      ],
      demand,
    );
    expect(eligible.map((h) => h.name)).toEqual(["ok", "empty"]);
    expect(rejected.map((r) => r.host)).toEqual(["far", "down", "noiommu", "full", "resting"]);
    // Starts and moves judge with rankHosts: maintenance refuses there too, in words.
    expect(rejected.find((r) => r.host === "resting")?.reason).toBe("it is in maintenance");
    expect(rejected.find((r) => r.host === "full")?.reason).toContain("not enough CPU");
  });
});
