import { describe, expect, it } from "vitest";
import {
  checkL2Deletable,
  checkL2SriovAllowed,
  checkL2SriovChange,
  checkL3Deletable,
  checkL3SriovAllowed,
  l3SriovToggleState,
} from "./sriovRules";

const vlan = { name: "l2-vlan", type: "Vlan" as const, sriovEnabled: true };
const vxlan = { name: "l2-vx", type: "Vxlan" as const, sriovEnabled: false };
const none = { sriovL3s: [], vfNics: 0 };

describe("network SR-IOV rules", () => {
  it("R1: VXLAN L2s and their L3s cannot enable SR-IOV", () => {
    expect(() => checkL2SriovAllowed(vxlan, true)).toThrow(
      expect.objectContaining({ code: "SRIOV_NOT_ALLOWED_ON_VXLAN" }),
    );
    expect(() => checkL2SriovChange(vxlan, true, none)).toThrow(
      expect.objectContaining({ code: "SRIOV_NOT_ALLOWED_ON_VXLAN" }),
    );
    expect(() => checkL3SriovAllowed(vxlan, "l3", true)).toThrow(
      expect.objectContaining({ code: "SRIOV_NOT_ALLOWED_ON_VXLAN" }),
    );
    expect(() => checkL2SriovAllowed(vxlan, false)).not.toThrow();
    expect(l3SriovToggleState(vxlan).allowed).toBe(false);
  });

  it("R2: an L3 needs its L2's SR-IOV; the L2 keeps it while L3s or VF NICs use it", () => {
    expect(() => checkL3SriovAllowed({ ...vlan, sriovEnabled: false }, "l3", true)).toThrow(
      expect.objectContaining({ code: "L2_SRIOV_DISABLED" }),
    );
    expect(() => checkL3SriovAllowed(vlan, "l3", true)).not.toThrow();
    expect(() => checkL2SriovChange(vlan, false, { sriovL3s: ["web"], vfNics: 0 })).toThrow(
      expect.objectContaining({ code: "SRIOV_IN_USE", message: expect.stringContaining("web") }),
    );
    expect(() => checkL2SriovChange(vlan, false, { sriovL3s: [], vfNics: 2 })).toThrow(
      expect.objectContaining({ code: "SRIOV_IN_USE" }),
    );
    expect(() => checkL2SriovChange(vlan, false, none)).not.toThrow();
  });

  it("R16: L2 with L3s, L3 with NICs cannot be deleted", () => {
    expect(() => checkL2Deletable("l2", ["a"])).toThrow(
      expect.objectContaining({ code: "NETWORK_IN_USE" }),
    );
    expect(() => checkL2Deletable("l2", [])).not.toThrow();
    expect(() => checkL3Deletable("l3", { nics: 1, eips: 0 })).toThrow(
      expect.objectContaining({ code: "NETWORK_IN_USE" }),
    );
    expect(() => checkL3Deletable("l3", { nics: 0, eips: 0 })).not.toThrow();
  });
});
