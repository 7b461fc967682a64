import { z } from "zod";

const poolName = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/,
    "1-32 letters, digits, _ . or -, from a letter or digit",
  );

export const createVfPoolInput = z.object({
  pfId: z.uuid("Not a physical NIC id"),
  name: poolName,
  /** VF indexes as the K8s SR-IOV operator writes them: "#0-3" (or "0-3", "#5"). */
  range: z.string().trim().min(1).max(16),
  l2Ids: z.array(z.uuid("Not an L2 network id")).min(1, "Bind the pool to at least one L2").max(32),
  /** Empty: every project on those L2s. */
  projectIds: z.array(z.uuid("Not a project id")).max(64).default([]),
});
export type CreateVfPoolInput = z.input<typeof createVfPoolInput>;

export const vfPoolIdInput = z.object({ poolId: z.uuid("Not a VF pool id") });
export type VfPoolIdInput = z.input<typeof vfPoolIdInput>;

export const listVfPoolsInput = z.object({ pfId: z.uuid("Not a physical NIC id") });
export type ListVfPoolsInput = z.input<typeof listVfPoolsInput>;
