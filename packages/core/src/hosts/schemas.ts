import { z } from "zod";
import { HostConnectionState } from "@virtfn/db/enums";
import { pageInput, sortOrder } from "../shared/page-input";

export const hostName = z
  .string()
  .trim()
  .min(1, "Give the host a name")
  .max(64, "At most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "Letters, digits, dots, dashes and underscores only");

export const agentUrl = z
  .string()
  .trim()
  .url("Enter the agent URL, for example http://10.0.0.5:7100")
  .refine(
    (value) => /^https?:\/\//.test(value),
    "The agent URL must start with http:// or https://",
  )
  .transform((value) => value.replace(/\/+$/, ""));

export const agentToken = z
  .string()
  .min(8, "The agent token has at least 8 characters")
  .max(512, "At most 512 characters");

export const addHostInput = z.object({
  name: hostName,
  clusterId: z.uuid("Pick a cluster"),
  agentUrl,
  /** Omitted: the control plane generates one for this host and returns it once, to install on the agent. */
  agentToken: agentToken.optional(),
  scanIommu: z.boolean().default(true),
});
export type AddHostInput = z.input<typeof addHostInput>;

export const hostIdInput = z.object({ hostId: z.uuid("Not a host id") });
export type HostIdInput = z.input<typeof hostIdInput>;

/**
 * Admin: what can be fixed on a host after a failed add. Each field is optional (unchanged when
 * absent); the token is write-only, never read back. Unknown fields are refused.
 */
export const updateHostInput = z
  .strictObject({
    hostId: z.uuid("Not a host id"),
    name: hostName.optional(),
    agentUrl: agentUrl.optional(),
    /** Write-only. Empty or absent: the token stays as it is (a form shows it empty). */
    agentToken: z
      .union([z.literal(""), agentToken])
      .optional()
      .transform((value) => (value === "" ? undefined : value)),
    /** Re-connect after the change (the host.connect operation); on by default. */
    reconnect: z.boolean().default(true),
  })
  .refine(
    (input) =>
      input.name !== undefined || input.agentUrl !== undefined || input.agentToken !== undefined,
    { message: "Change the name, the agent URL or the token", path: ["name"] },
  );
export type UpdateHostInput = z.input<typeof updateHostInput>;

export const setIommuInput = hostIdInput.extend({ enabled: z.boolean() });
export type SetIommuInput = z.input<typeof setIommuInput>;

export const listHostsInput = pageInput.extend({
  search: z.string().trim().max(100).optional(),
  clusterId: z.uuid().optional(),
  connectionState: z.enum(HostConnectionState).optional(),
  sort: z.enum(["name", "createdAt", "connectionState"]).default("name"),
  order: sortOrder,
});
export type ListHostsInput = z.input<typeof listHostsInput>;
