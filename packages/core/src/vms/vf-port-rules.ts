import type { VfPortObserved, VfPortSettings } from "@virtfn/agent-client";
import { DEFAULT_VF_PORT } from "@virtfn/agent-client";
import type { NicType, VfLinkState } from "@virtfn/db";
import { ErrorCode } from "../shared/errors";
import { nicLabel, type Verdict } from "./rules";

// Issue 16: who may set what on a VF NIC's port. Trust and spoof checking are the admin's
// policy per L2, overridable per L3; link state and query_rss are the NIC owner's; trust may be
// asked for only where the network allows it. R4 stays: no rate limits here.

const ALLOWED: Verdict = { allowed: true, reason: null, code: null };
const refuse = (code: string, reason: string): Verdict => ({ allowed: false, reason, code });

export interface PortPolicyNetwork {
  name: string;
  vfAllowTrust: boolean | null;
  vfSpoofCheck: boolean | null;
  l2: { name: string; vfAllowTrust: boolean; vfSpoofCheck: boolean };
}

export interface PortPolicy {
  allowTrust: boolean;
  spoofCheck: boolean;
  /** Where allowTrust comes from, for the reasons: "L3 x" or "L2 y". */
  trustSource: string;
}

/** The L3's setting where it has one, else its L2's. */
export function portPolicy(l3: PortPolicyNetwork): PortPolicy {
  return {
    allowTrust: l3.vfAllowTrust ?? l3.l2.vfAllowTrust,
    spoofCheck: l3.vfSpoofCheck ?? l3.l2.vfSpoofCheck,
    trustSource: l3.vfAllowTrust === null ? `L2 ${l3.l2.name}` : `L3 ${l3.name}`,
  };
}

export interface PortNic {
  deviceIndex: number;
  type: NicType;
  vfTrust: boolean;
  vfLinkState: VfLinkState;
  vfQueryRss: boolean;
}

/**
 * What the agent is asked to keep on the NIC's VF. The network's policy wins over the NIC's
 * request: a trust the network no longer allows is turned off at the next reconcile.
 */
export function desiredVfPort(nic: PortNic, policy: PortPolicy): VfPortSettings {
  return {
    spoofCheck: policy.spoofCheck,
    trust: nic.vfTrust && policy.allowTrust,
    linkState: nic.vfLinkState,
    queryRss: nic.vfQueryRss,
  };
}

export interface PortVerdicts {
  linkState: Verdict;
  queryRss: Verdict;
  trust: Verdict;
  /** Never the NIC owner's: the reason names the policy that sets it. */
  spoofCheck: Verdict;
}

/** One verdict per setting, for the NIC row: editable, or greyed out with the reason. */
export function portVerdicts(nic: PortNic, policy: PortPolicy): PortVerdicts {
  if (nic.type !== "VF") {
    const notVf = refuse(
      ErrorCode.VF_PORT_NOT_VF,
      `${nicLabel(nic)} is a vNIC: port settings exist only on VF NICs.`,
    );
    return { linkState: notVf, queryRss: notVf, trust: notVf, spoofCheck: notVf };
  }
  return {
    linkState: ALLOWED,
    queryRss: ALLOWED,
    trust: policy.allowTrust
      ? ALLOWED
      : refuse(
          ErrorCode.VF_TRUST_NOT_ALLOWED,
          `${policy.trustSource} does not allow trusted VFs; an admin can allow them there.`,
        ),
    spoofCheck: refuse(
      ErrorCode.VF_TRUST_NOT_ALLOWED,
      `Spoof checking is ${policy.spoofCheck ? "on" : "off"} by the network's policy; an admin sets it on the L2 or L3.`,
    ),
  };
}

/** The request's verdict: the first setting it changes that the NIC's verdicts refuse. */
export function portChangeVerdict(
  nic: PortNic,
  policy: PortPolicy,
  change: { linkState?: VfLinkState; queryRss?: boolean; trust?: boolean },
): Verdict {
  const verdicts = portVerdicts(nic, policy);
  if (nic.type !== "VF") return verdicts.linkState;
  // Turning trust off is always allowed: it only takes a privilege away.
  if (change.trust === true && !verdicts.trust.allowed) return verdicts.trust;
  return ALLOWED;
}

export type PortSetting = keyof VfPortSettings;

/**
 * The settings whose observed value is not the desired one. A setting the driver does not
 * report (null) is drift only when something other than the default is wanted; the agent will
 * then answer that the driver does not support it.
 */
export function portDrift(desired: VfPortSettings, observed: VfPortObserved): PortSetting[] {
  const settings: PortSetting[] = ["spoofCheck", "trust", "linkState", "queryRss"];
  return settings.filter((s) => {
    const seen = observed[s];
    if (seen === null) return desired[s] !== DEFAULT_VF_PORT[s];
    return seen !== desired[s];
  });
}

/** A VF is clean for a new holder when its port is at the defaults and its VLAN is 0. */
export function isCleanPort(observed: VfPortObserved): boolean {
  return observed.vlan === 0 && portDrift(DEFAULT_VF_PORT, observed).length === 0;
}
