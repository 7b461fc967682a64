import { DEFAULT_VF_PORT } from "@virtfn/agent-client";
import { describe, expect, it } from "vitest";
import {
  desiredVfPort,
  isCleanPort,
  portChangeVerdict,
  portDrift,
  portPolicy,
  portVerdicts,
} from "./vf-port-rules";

const l2 = { name: "l2-prod", vfAllowTrust: false, vfSpoofCheck: true };
const l3 = { name: "l3-prod", vfAllowTrust: null, vfSpoofCheck: null, l2 };
const vfNic = {
  deviceIndex: 1,
  type: "VF" as const,
  vfTrust: true,
  vfLinkState: "disable" as const,
  vfQueryRss: false,
};

describe("VF port policy and verdicts (issue 16)", () => {
  it("takes the L3's policy where it has one, else the L2's", () => {
    expect(portPolicy(l3)).toEqual({
      allowTrust: false,
      spoofCheck: true,
      trustSource: "L2 l2-prod",
    });
    expect(portPolicy({ ...l3, vfAllowTrust: true, vfSpoofCheck: false })).toEqual({
      allowTrust: true,
      spoofCheck: false,
      trustSource: "L3 l3-prod",
    });
  });

  it("refuses trust where the network does not allow it, naming the network", () => {
    const policy = portPolicy(l3);
    const verdict = portChangeVerdict(vfNic, policy, { trust: true });
    expect(verdict).toMatchObject({ allowed: false, code: "VF_TRUST_NOT_ALLOWED" });
    expect(verdict.reason).toContain("L2 l2-prod");
    expect(portChangeVerdict(vfNic, policy, { trust: false }).allowed).toBe(true);
    expect(portChangeVerdict(vfNic, policy, { linkState: "enable" }).allowed).toBe(true);
    const allowed = portPolicy({ ...l3, vfAllowTrust: true });
    expect(portChangeVerdict(vfNic, allowed, { trust: true }).allowed).toBe(true);
  });

  it("keeps spoof checking the admin's and port settings for VF NICs only", () => {
    const verdicts = portVerdicts(vfNic, portPolicy(l3));
    expect(verdicts.linkState.allowed).toBe(true);
    expect(verdicts.spoofCheck).toMatchObject({ allowed: false });
    const vnic = { ...vfNic, type: "VNIC" as const };
    expect(portChangeVerdict(vnic, portPolicy(l3), { linkState: "enable" })).toMatchObject({
      allowed: false,
      code: "VF_PORT_NOT_VF",
    });
  });

  it("lets the policy win over the NIC's request", () => {
    expect(desiredVfPort(vfNic, portPolicy(l3))).toEqual({
      spoofCheck: true,
      trust: false,
      linkState: "disable",
      queryRss: false,
    });
    expect(desiredVfPort(vfNic, portPolicy({ ...l3, vfAllowTrust: true })).trust).toBe(true);
  });

  it("finds drift, ignoring defaults a driver does not report", () => {
    const observed = { mac: null, vlan: 0, ...DEFAULT_VF_PORT, queryRss: null };
    expect(portDrift(DEFAULT_VF_PORT, observed)).toEqual([]);
    expect(portDrift({ ...DEFAULT_VF_PORT, trust: true, queryRss: true }, observed)).toEqual([
      "trust",
      "queryRss",
    ]);
    expect(isCleanPort(observed)).toBe(true);
    expect(isCleanPort({ ...observed, vlan: 100 })).toBe(false);
    expect(isCleanPort({ ...observed, trust: true })).toBe(false);
  });
});
