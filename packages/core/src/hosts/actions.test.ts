import { describe, expect, it } from "vitest";
import { hostActions, type HostActionFacts } from "./actions";

const busy = { id: "op", kind: "host.reboot", targetName: "kvm-01" };
const idle: HostActionFacts = {
  host: {
    name: "kvm-01",
    connectionState: "Connected",
    connectionReason: null,
    iommuEnabled: true,
    iommuKernelArgSet: true,
    iommuActive: true,
    rebootRequired: false,
    maintenance: false,
  },
  hostOperation: null,
  activeOperation: null,
  vms: 0,
  vfsInUse: 0,
};

describe("hostActions", () => {
  it("allows every action on an idle, connected, empty host (but leaving a maintenance it is not in)", () => {
    const { leaveMaintenance, ...actions } = hostActions(idle);
    for (const verdict of Object.values(actions)) expect(verdict.allowed).toBe(true);
    expect(leaveMaintenance).toMatchObject({ allowed: false, code: "HOST_MAINTENANCE_UNCHANGED" });
  });

  it("offers leaving maintenance on a host in it, not entering it again", () => {
    const actions = hostActions({ ...idle, host: { ...idle.host, maintenance: true } });
    expect(actions.leaveMaintenance.allowed).toBe(true);
    expect(actions.enterMaintenance).toMatchObject({
      allowed: false,
      code: "HOST_MAINTENANCE_UNCHANGED",
      reason: "kvm-01 is already in maintenance.",
    });
    // Maintenance stops placements only: splits, IOMMU and reboots stay the admin's to run.
    expect(actions.setIommu.allowed).toBe(true);
    expect(actions.reboot.allowed).toBe(true);
  });

  it("lets a host be edited while its connect still retries, not while another operation runs", () => {
    const connecting = { ...busy, kind: "host.connect" };
    expect(hostActions({ ...idle, hostOperation: connecting }).edit.allowed).toBe(true);
    expect(hostActions({ ...idle, hostOperation: busy }).edit).toMatchObject({
      allowed: false,
      code: "OPERATION_IN_PROGRESS",
    });
  });

  it("refuses IOMMU and reboot on a host that is not connected; reconnect and delete stay open", () => {
    const actions = hostActions({
      ...idle,
      host: { ...idle.host, connectionState: "Disconnected" },
    });
    expect(actions.setIommu).toMatchObject({ allowed: false, code: "HOST_NOT_CONNECTED" });
    expect(actions.reboot).toMatchObject({ allowed: false, code: "HOST_NOT_CONNECTED" });
    expect(actions.reconnect.allowed).toBe(true);
    expect(actions.delete.allowed).toBe(true);
  });

  it("refuses turning the IOMMU off under VFs in use", () => {
    expect(hostActions({ ...idle, vfsInUse: 2 }).setIommu).toMatchObject({
      allowed: false,
      code: "HOST_IN_USE",
    });
    // Turning it on is never blocked by VFs.
    expect(
      hostActions({ ...idle, vfsInUse: 2, host: { ...idle.host, iommuEnabled: false } }).setIommu
        .allowed,
    ).toBe(true);
  });

  it("refuses deleting a host that still runs VMs", () => {
    const verdict = hostActions({ ...idle, vms: 3 }).delete;
    expect(verdict).toMatchObject({ allowed: false, code: "HOST_IN_USE" });
    expect(verdict.reason).toContain("3 VM(s)");
  });

  it("refuses everything but reconnect while a PF operation runs; reconnect waits for host operations", () => {
    const pfBusy = hostActions({ ...idle, activeOperation: { ...busy, kind: "pf.split" } });
    expect(pfBusy.reconnect.allowed).toBe(true);
    for (const verdict of [pfBusy.setIommu, pfBusy.reboot, pfBusy.delete])
      expect(verdict).toMatchObject({ allowed: false, code: "OPERATION_IN_PROGRESS" });
    const hostBusy = hostActions({ ...idle, hostOperation: busy, activeOperation: busy });
    expect(hostBusy.reconnect).toMatchObject({ allowed: false, code: "OPERATION_IN_PROGRESS" });
  });
});
