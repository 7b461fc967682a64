import { describe, expect, it } from "vitest";
import { l2Actions, l3Actions } from "./actions";

const vlan = { name: "vlan-100", type: "Vlan" as const, sriovEnabled: true };
const empty = { l2: vlan, l3Names: [], sriovL3s: [], vfNics: 0 };

describe("l2Actions", () => {
  it("allows deleting and flipping SR-IOV on an unused VLAN L2", () => {
    const actions = l2Actions(empty);
    for (const verdict of Object.values(actions)) expect(verdict.allowed).toBe(true);
  });

  it("R16: refuses deleting an L2 with L3s, naming them", () => {
    const verdict = l2Actions({ ...empty, l3Names: ["web", "db"] }).delete;
    expect(verdict).toMatchObject({ allowed: false, code: "NETWORK_IN_USE" });
    expect(verdict.reason).toContain("web, db");
  });

  it("R2: refuses turning SR-IOV off while L3s have it on or VF NICs are on the L2", () => {
    expect(l2Actions({ ...empty, sriovL3s: ["web"] }).disableSriov).toMatchObject({
      allowed: false,
      code: "SRIOV_IN_USE",
    });
    expect(l2Actions({ ...empty, vfNics: 2 }).disableSriov.allowed).toBe(false);
  });

  it("R1: refuses turning SR-IOV on for a VXLAN L2", () => {
    const actions = l2Actions({ ...empty, l2: { ...vlan, type: "Vxlan", sriovEnabled: false } });
    expect(actions.enableSriov).toMatchObject({
      allowed: false,
      code: "SRIOV_NOT_ALLOWED_ON_VXLAN",
    });
  });
});

describe("l3Actions", () => {
  const l3 = { name: "web", sriovEnabled: true, l2: vlan, nics: 0, vfNics: 0, eips: 0 };

  it("allows everything on an unused L3 of an SR-IOV L2", () => {
    for (const verdict of Object.values(l3Actions(l3))) expect(verdict.allowed).toBe(true);
  });

  it("R16: refuses deleting an L3 with NICs or EIPs", () => {
    expect(l3Actions({ ...l3, nics: 1 }).delete).toMatchObject({ code: "NETWORK_IN_USE" });
    expect(l3Actions({ ...l3, eips: 1 }).delete.allowed).toBe(false);
  });

  it("R2: refuses SR-IOV on an L3 whose L2 lacks it, and R1 on a VXLAN L2", () => {
    expect(l3Actions({ ...l3, l2: { ...vlan, sriovEnabled: false } }).enableSriov).toMatchObject({
      code: "L2_SRIOV_DISABLED",
    });
    expect(
      l3Actions({ ...l3, l2: { ...vlan, type: "Vxlan", sriovEnabled: false } }).enableSriov,
    ).toMatchObject({ code: "SRIOV_NOT_ALLOWED_ON_VXLAN" });
  });

  it("refuses turning SR-IOV off on an L3 with VF NICs", () => {
    expect(l3Actions({ ...l3, vfNics: 2 }).disableSriov).toMatchObject({
      allowed: false,
      code: "SRIOV_IN_USE",
    });
  });

  it("issue 17: refuses making an L3 migratable without SR-IOV on it or on its L2, as setL3Migratable does", () => {
    expect(l3Actions({ ...l3, sriovEnabled: false }).makeMigratable).toMatchObject({
      allowed: false,
      code: "L3_SRIOV_DISABLED",
      reason: expect.stringContaining("L3 web has no SR-IOV"),
    });
    expect(l3Actions({ ...l3, l2: { ...vlan, sriovEnabled: false } }).makeMigratable.allowed).toBe(
      false,
    );
  });
});
