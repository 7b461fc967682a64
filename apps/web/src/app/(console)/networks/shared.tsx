import type { Verdict } from "@virtfn/core";
import type { L2Type, L3Category } from "@virtfn/db";
import { Badge } from "~/components/badges";

export const l2Types = ["NoVlan", "Vlan", "Vxlan"] as const satisfies readonly L2Type[];
export const l3Categories = [
  "Public",
  "Flat",
  "VRouter",
  "Vpc",
] as const satisfies readonly L3Category[];

export const l2TypeLabel: Record<L2Type, string> = {
  NoVlan: "No VLAN",
  Vlan: "VLAN",
  Vxlan: "VXLAN",
};

export function SriovBadge({ enabled }: { enabled: boolean }) {
  return <Badge tone={enabled ? "ok" : "muted"}>{enabled ? "SR-IOV on" : "SR-IOV off"}</Badge>;
}

/** "VLAN 100", "VXLAN 5001 · pool-a", "No VLAN". */
export function segmentLabel(l2: {
  type: L2Type;
  vlanId: number | null;
  vni?: number | null;
  vxlanPoolName?: string | null;
}): string {
  if (l2.type === "Vlan") return `VLAN ${l2.vlanId ?? "?"}`;
  if (l2.type === "Vxlan")
    return `VXLAN ${l2.vni ?? "?"}${l2.vxlanPoolName ? ` · ${l2.vxlanPoolName}` : ""}`;
  return "No VLAN";
}

/** Core's reason for refusing an action, or null when it is allowed (a ReasonedButton's greying). */
export function refusal(verdict: Verdict): string | null {
  return verdict.allowed ? null : verdict.reason;
}

/** The lists' SR-IOV filter, kept in the URL as `?sriov=on|off`. */
export const sriovFilter = {
  key: "sriov",
  label: "SR-IOV",
  allLabel: "SR-IOV on or off",
  options: [
    { value: "on", label: "SR-IOV on" },
    { value: "off", label: "SR-IOV off" },
  ],
} as const;

export function sriovFromFilter(value: string | undefined): boolean | undefined {
  return value === "on" ? true : value === "off" ? false : undefined;
}
