import { z } from "zod";
import { L2Type, L3Category } from "@virtfn/db/enums";
import { pageInput, sortOrder } from "../shared/page-input";
import { isIpv4, parseCidr, parseIpv4 } from "./ip";

// Shape and format checks with field paths, for forms. Rules that need other rows (R1, R2, R16,
// overlaps) are domain errors raised by the services.

export const networkName = z
  .string()
  .trim()
  .min(1, "Give it a name")
  .max(64, "At most 64 characters")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
    "Letters, digits, spaces, dots, dashes and underscores only",
  );

export const interfaceName = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9_.:-]{1,15}$/,
    "A Linux interface or bond name such as em1 or bond0 (at most 15 characters)",
  );

export const vlanIdSchema = z
  .number("The VLAN id is a number")
  .int("The VLAN id is a whole number")
  .min(1, "VLAN ids are 1 to 4094")
  .max(4094, "VLAN ids are 1 to 4094");

export const vniSchema = z
  .number("The VNI is a number")
  .int("The VNI is a whole number")
  .min(1, "VNIs are 1 to 16777215")
  .max(16_777_215, "VNIs are 1 to 16777215");

export const ipv4Schema = z.string().trim().refine(isIpv4, "Not an IPv4 address like 10.0.0.1");

export const networkDescription = z.string().trim().max(500, "At most 500 characters").default("");

// ─── VXLAN pools ───────────────────────────────────────────────────────────────

export const createVxlanPoolInput = z
  .object({
    zoneId: z.uuid("Pick a zone"),
    name: networkName,
    vniStart: vniSchema,
    vniEnd: vniSchema,
  })
  .refine((pool) => pool.vniStart <= pool.vniEnd, {
    message: "The first VNI must not be above the last",
    path: ["vniEnd"],
  });
export type CreateVxlanPoolInput = z.input<typeof createVxlanPoolInput>;

export const listVxlanPoolsInput = z.object({ zoneId: z.uuid().optional() });
export type ListVxlanPoolsInput = z.input<typeof listVxlanPoolsInput>;

export const vxlanPoolIdInput = z.object({ poolId: z.uuid("Not a VXLAN pool id") });
export type VxlanPoolIdInput = z.input<typeof vxlanPoolIdInput>;

// ─── L2 ────────────────────────────────────────────────────────────────────────

export const createL2Input = z
  .object({
    zoneId: z.uuid("Pick a zone"),
    name: networkName,
    description: networkDescription,
    type: z.enum(L2Type),
    vlanId: vlanIdSchema.optional(),
    vxlanPoolId: z.uuid("Pick a VXLAN pool").optional(),
    vni: vniSchema.optional(),
    physicalInterface: interfaceName,
    sriovEnabled: z.boolean().default(false),
    clusterIds: z.array(z.uuid("Not a cluster id")).max(64).default([]),
  })
  .superRefine((l2, ctx) => {
    if (l2.type === "Vlan" && l2.vlanId === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["vlanId"],
        message: "A Vlan L2 needs a VLAN id (1 to 4094)",
      });
    }
    if (l2.type !== "Vlan" && l2.vlanId !== undefined) {
      ctx.addIssue({ code: "custom", path: ["vlanId"], message: `A ${l2.type} L2 has no VLAN id` });
    }
    if (l2.type === "Vxlan") {
      if (l2.vxlanPoolId === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["vxlanPoolId"],
          message: "A Vxlan L2 needs a VXLAN pool",
        });
      if (l2.vni === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["vni"],
          message: "A Vxlan L2 needs a VNI from its pool",
        });
    } else {
      if (l2.vxlanPoolId !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["vxlanPoolId"],
          message: `A ${l2.type} L2 has no VXLAN pool`,
        });
      if (l2.vni !== undefined)
        ctx.addIssue({ code: "custom", path: ["vni"], message: `A ${l2.type} L2 has no VNI` });
    }
    if (new Set(l2.clusterIds).size !== l2.clusterIds.length) {
      ctx.addIssue({ code: "custom", path: ["clusterIds"], message: "A cluster is listed twice" });
    }
  });
export type CreateL2Input = z.input<typeof createL2Input>;

export const l2IdInput = z.object({ l2Id: z.uuid("Not an L2 network id") });
export type L2IdInput = z.input<typeof l2IdInput>;

/** Type, VLAN, VNI and interface are fixed at create: NICs and VF VLAN tags depend on them. */
export const updateL2Input = l2IdInput.extend({
  name: networkName.optional(),
  description: z.string().trim().max(500).optional(),
  sriovEnabled: z.boolean().optional(),
  /** VF port policy (issue 16): whether tenants may ask for trusted VFs, and spoof checking. */
  vfAllowTrust: z.boolean().optional(),
  vfSpoofCheck: z.boolean().optional(),
});
export type UpdateL2Input = z.input<typeof updateL2Input>;

export const l2ClusterInput = l2IdInput.extend({ clusterId: z.uuid("Pick a cluster") });
export type L2ClusterInput = z.input<typeof l2ClusterInput>;

/** A page of the clusters an L2 is attached to. */
export const l2ClustersInput = pageInput.extend(l2IdInput.shape);
export type L2ClustersInput = z.input<typeof l2ClustersInput>;

export const listL2Input = pageInput.extend({
  zoneId: z.uuid().optional(),
  type: z.enum(L2Type).optional(),
  sriovEnabled: z.boolean().optional(),
  search: z.string().trim().max(100).optional(),
  sort: z.enum(["name", "createdAt", "type"]).default("name"),
  order: sortOrder,
});
export type ListL2Input = z.input<typeof listL2Input>;

// ─── L3 ────────────────────────────────────────────────────────────────────────

/** Either a CIDR (its usable hosts, less the gateway) or an explicit first and last address. */
export const ipRangeInput = z
  .object({
    cidr: z.string().trim().optional(),
    startIp: z.string().trim().optional(),
    endIp: z.string().trim().optional(),
  })
  .superRefine((range, ctx) => {
    const hasCidr = range.cidr !== undefined;
    const hasBounds = range.startIp !== undefined || range.endIp !== undefined;
    if (hasCidr === hasBounds) {
      ctx.addIssue({
        code: "custom",
        path: ["cidr"],
        message: "Give either a CIDR or a start and end address",
      });
      return;
    }
    if (range.cidr !== undefined) {
      const parsed = parseCidr(range.cidr);
      if (!parsed.ok) ctx.addIssue({ code: "custom", path: ["cidr"], message: parsed.message });
      return;
    }
    const start = parseIpv4(range.startIp ?? "");
    const end = parseIpv4(range.endIp ?? "");
    if (start === null)
      ctx.addIssue({
        code: "custom",
        path: ["startIp"],
        message: "Not an IPv4 address like 10.0.0.10",
      });
    if (end === null)
      ctx.addIssue({
        code: "custom",
        path: ["endIp"],
        message: "Not an IPv4 address like 10.0.0.200",
      });
    if (start !== null && end !== null && start > end) {
      ctx.addIssue({
        code: "custom",
        path: ["endIp"],
        message: `The range ends (${range.endIp}) before it starts (${range.startIp})`,
      });
    }
  });
export type IpRangeInput = z.input<typeof ipRangeInput>;

export const prefixLengthSchema = z
  .number()
  .int()
  .min(1, "The prefix length is 1 to 32")
  .max(32, "The prefix length is 1 to 32");

export const createL3Input = z
  .object({
    l2Id: z.uuid("Pick an L2 network"),
    name: networkName,
    description: networkDescription,
    category: z.enum(L3Category),
    sriovEnabled: z.boolean().default(false),
    gateway: ipv4Schema.optional(),
    prefixLength: prefixLengthSchema.optional(),
    dns: z.array(ipv4Schema).max(8, "At most 8 DNS servers").default([]),
    ipRanges: z.array(ipRangeInput).max(64).default([]),
  })
  .superRefine((l3, ctx) => {
    const hasCidr = l3.ipRanges.some((range) => range.cidr !== undefined);
    const needsSubnet = l3.gateway !== undefined || l3.ipRanges.length > 0;
    if (needsSubnet && !hasCidr && l3.prefixLength === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["prefixLength"],
        message: "Give the prefix length (netmask) of the subnet, or an IP range as a CIDR",
      });
    }
  });
export type CreateL3Input = z.input<typeof createL3Input>;

export const l3IdInput = z.object({ l3Id: z.uuid("Not an L3 network id") });
export type L3IdInput = z.input<typeof l3IdInput>;

export const updateL3Input = l3IdInput.extend({
  name: networkName.optional(),
  description: z.string().trim().max(500).optional(),
  sriovEnabled: z.boolean().optional(),
  dns: z.array(ipv4Schema).max(8, "At most 8 DNS servers").optional(),
  /** VF port policy overrides (issue 16); null goes back to the L2's. */
  vfAllowTrust: z.boolean().nullable().optional(),
  vfSpoofCheck: z.boolean().nullable().optional(),
});
export type UpdateL3Input = z.input<typeof updateL3Input>;

export const addIpRangeInput = l3IdInput.extend({ range: ipRangeInput });
export type AddIpRangeInput = z.input<typeof addIpRangeInput>;

export const ipRangeIdInput = z.object({ ipRangeId: z.uuid("Not an IP range id") });
export type IpRangeIdInput = z.input<typeof ipRangeIdInput>;

export const listL3Input = pageInput.extend({
  l2Id: z.uuid().optional(),
  zoneId: z.uuid().optional(),
  category: z.enum(L3Category).optional(),
  sriovEnabled: z.boolean().optional(),
  search: z.string().trim().max(100).optional(),
  sort: z.enum(["name", "createdAt", "category"]).default("name"),
  order: sortOrder,
});
export type ListL3Input = z.input<typeof listL3Input>;
