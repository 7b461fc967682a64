import * as core from "@virtfn/core";
import { z } from "zod";
import { inventoryProcedure } from "../trpc";
import { sriovRouterOutputs } from "./outputs.generated";
import { admin, inventory, serviceRouter } from "./service-router";

/** The facts R13 looks at, as the host page already has them (no database read). */
const splitWarningsInput = z.object({
  name: z.string().max(64),
  bondName: z.string().max(64).nullable(),
  bondSlaves: z.array(z.string().max(64)).max(16),
  /** Other slaves of the same bond that are already split. */
  splitSlaves: z.array(z.string().max(64)).max(16).default([]),
});

export const sriovRouter = serviceRouter("SR-IOV", sriovRouterOutputs, {
  /** Admin (R15). Splits a PF into `count` VFs (R12); returns the pf.split operation and R13 warnings. */
  split: admin({
    route: "POST /pfs/:pfId/split",
    summary: "Split a PF into VFs",
    input: core.splitPfInput,
    service: core.splitPhysicalNic,
    longRunning: true,
    description:
      "Admins only (R15). `count` within the PF's totalVfs (R12); bonded PFs come with warnings (R13).",
  }),
  /**
   * Admin (R15). Restores a PF to 0 VFs. Refused with VFS_ATTACHED (details.vms) while VMs hold its
   * VFs, unless `force` (R11).
   */
  restore: admin({
    route: "POST /pfs/:pfId/restore",
    summary: "Restore a PF to 0 VFs",
    input: core.restorePfInput,
    service: core.restorePhysicalNic,
    longRunning: true,
    description: "Refused while VMs hold its VFs unless `force` (R11).",
  }),
  /** Admin, Auditor. R13 advice for the split dialog, before submitting (core's pure `core.splitWarnings`). */
  splitWarnings: inventoryProcedure
    .input(splitWarningsInput)
    .output(sriovRouterOutputs.splitWarnings)
    .query(({ input }) => core.splitWarnings(input, input.splitSlaves)),
  /** Admin, Auditor. R3: VFs an L3 offers per host, and why none where none. */
  availability: inventory({
    route: "GET /l3-networks/:l3Id/vf-availability",
    summary: "VFs an L3 network offers per host, and why none where none (R3)",
    input: core.vfAvailabilityInput,
    service: core.vfAvailability,
  }),
  /** Admin, Auditor. R3 on the L2 page: VFs its interface offers per host. REST: GET /l2-networks/{l2Id}/vf-availability. */
  l2Availability: inventory({
    route: "GET /l2-networks/:l2Id/vf-availability",
    summary: "VFs the L2's interface offers per host (R3)",
    input: core.l2VfAvailabilityInput,
    service: core.l2VfAvailability,
  }),
  /** Admin, Auditor. VF usage per PF and per L2. */
  overview: inventory({
    route: "GET /sriov/overview",
    summary: "VF usage per PF and per L2",
    input: core.sriovOverviewInput,
    service: core.sriovOverview,
  }),
  /** Admin, Auditor. VFs across the fleet (or of one host, PF or L2), by PCI address, MAC or name. */
  vfs: inventory({
    route: "GET /vfs",
    summary: "Search VFs across the fleet",
    input: core.searchVfsInput,
    service: core.searchVfs,
    description:
      "Admins and auditors. `q` is a PCI address (or its start; `04:10.2` means domain 0000), a MAC, or part of a VM or host name; filter by `state`, `hostId`, `pfId`, `l2Id`. Ordered by PCI address, paged by cursor.",
  }),
  /** Admin, Auditor. Latest traffic counters and rates of a PF's VFs in use (issue 16). */
  pfCounters: inventory({
    route: "GET /pfs/:pfId/vf-counters",
    summary: "Traffic counters of a PF's VFs in use",
    input: core.pfIdInput,
    service: core.pfVfCounters,
    description:
      "Admins and auditors. Per VF held by a NIC: the latest sample and the per-second rates over the last two. A counter the PF driver does not keep is null, never 0.",
  }),
  /** Admin, Auditor. A PF's VF pools (issue 16) with their L2s, projects and VF counts. */
  pools: inventory({
    route: "GET /pfs/:pfId/vf-pools",
    summary: "A PF's VF pools",
    input: core.listVfPoolsInput,
    service: core.listVfPools,
  }),
  /**
   * Admin (R15). Carves a pool ("#0-3") out of a PF's VFs for some L2s (and projects). Refused:
   * VF_POOL_INVALID_RANGE, VF_POOL_OUT_OF_RANGE, VF_POOL_OVERLAP, VF_POOL_L2_MISMATCH, and
   * VF_POOL_HELD_OUTSIDE with details.holders when VMs outside it hold VFs of the range.
   */
  createPool: admin({
    route: "POST /pfs/:pfId/vf-pools",
    summary:
      "Partition a PF's VFs: a named pool by index range (#0-3), bound to L2s and optionally projects",
    input: core.createVfPoolInput,
    service: core.createVfPool,
  }),
  /** Admin (R15). Deletes a VF pool; its VFs are free for all again. */
  deletePool: admin({
    route: "DELETE /vf-pools/:poolId",
    summary: "Delete a VF pool",
    input: core.vfPoolIdInput,
    service: core.deleteVfPool,
  }),
});
