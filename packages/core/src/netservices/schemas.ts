import { z } from "zod";
import { ipv4Schema } from "../networks/schemas";

const kbps = z.number().int().min(8, "At least 8 kbps").max(100_000_000, "At most 100 Gbps");

export const setNicQosInput = z
  .object({
    nicId: z.uuid("Not a NIC id"),
    inboundKbps: kbps.nullable().default(null),
    outboundKbps: kbps.nullable().default(null),
  })
  .refine(
    (v) => v.inboundKbps !== null || v.outboundKbps !== null,
    "Set an inbound or an outbound limit",
  );
export type SetNicQosInput = z.input<typeof setNicQosInput>;

const groupName = z
  .string()
  .trim()
  .min(1, "Give it a name")
  .max(64, "At most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dots, dashes and underscores only");

export const createSecurityGroupInput = z.object({
  projectId: z.uuid("Pick a project"),
  name: groupName,
  description: z.string().trim().max(500).default(""),
});
export type CreateSecurityGroupInput = z.input<typeof createSecurityGroupInput>;

export const securityGroupIdInput = z.object({
  securityGroupId: z.uuid("Not a security group id"),
});
export type SecurityGroupIdInput = z.input<typeof securityGroupIdInput>;

const cidr = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "A CIDR like 0.0.0.0/0");

export const addSecurityGroupRuleInput = securityGroupIdInput
  .extend({
    direction: z.enum(["ingress", "egress"]),
    protocol: z.enum(["tcp", "udp", "icmp", "all"]),
    portStart: z.number().int().min(1).max(65535).nullable().default(null),
    portEnd: z.number().int().min(1).max(65535).nullable().default(null),
    cidr: cidr.default("0.0.0.0/0"),
  })
  .refine(
    (r) => r.portStart === null || r.portEnd === null || r.portStart <= r.portEnd,
    "The port range is backwards",
  );
export type AddSecurityGroupRuleInput = z.input<typeof addSecurityGroupRuleInput>;

export const ruleIdInput = z.object({ ruleId: z.uuid("Not a rule id") });
export type RuleIdInput = z.input<typeof ruleIdInput>;

export const securityGroupMemberInput = securityGroupIdInput.extend({
  nicId: z.uuid("Not a NIC id"),
});
export type SecurityGroupMemberInput = z.input<typeof securityGroupMemberInput>;

export const projectIdInput = z.object({ projectId: z.uuid("Pick a project") });
export type ProjectIdInput = z.input<typeof projectIdInput>;

export const createEipInput = z.object({
  projectId: z.uuid("Pick a project"),
  name: groupName,
  /** The L3 the public address comes from. */
  vipL3Id: z.uuid("Pick the network the address comes from"),
  ip: ipv4Schema.optional(),
});
export type CreateEipInput = z.input<typeof createEipInput>;

export const eipIdInput = z.object({ eipId: z.uuid("Not an EIP id") });
export type EipIdInput = z.input<typeof eipIdInput>;

export const attachEipInput = eipIdInput.extend({ nicId: z.uuid("Not a NIC id") });
export type AttachEipInput = z.input<typeof attachEipInput>;
