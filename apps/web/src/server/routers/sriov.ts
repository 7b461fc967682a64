import {
  l2VfAvailability,
  l2VfAvailabilityInput,
  createVfPool,
  createVfPoolInput,
  deleteVfPool,
  listVfPools,
  listVfPoolsInput,
  pfIdInput,
  pfVfCounters,
  restorePfInput,
  restorePhysicalNic,
  searchVfs,
  searchVfsInput,
  splitPfInput,
  splitPhysicalNic,
  splitWarnings,
  sriovOverview,
  sriovOverviewInput,
  vfAvailability,
  vfAvailabilityInput,
  vfPoolIdInput,
} from "@virtfn/core";
import { z } from "zod";
import { adminProcedure, inventoryProcedure, router } from "../trpc";
import { sriovRouterOutputs } from "./outputs.generated";

/** The facts R13 looks at, as the host page already has them (no database read). */
const splitWarningsInput = z.object({
  name: z.string().max(64),
  bondName: z.string().max(64).nullable(),
  bondSlaves: z.array(z.string().max(64)).max(16),
  /** Other slaves of the same bond that are already split. */
  splitSlaves: z.array(z.string().max(64)).max(16).default([]),
});

export const sriovRouter = router({
  /** Admin (R15). Splits a PF into `count` VFs (R12); returns the pf.split operation and R13 warnings. */
  split: adminProcedure
    .meta({
      rest: {
        route: "POST /pfs/:pfId/split",
        tag: "SR-IOV",
        summary: "Split a PF into VFs",
        longRunning: true,
        description:
          "Admins only (R15). `count` within the PF's totalVfs (R12); bonded PFs come with warnings (R13).",
      },
    })
    .input(splitPfInput)
    .output(sriovRouterOutputs.split)
    .mutation(({ ctx, input }) => splitPhysicalNic(ctx.db, ctx.actor, input)),
  /**
   * Admin (R15). Restores a PF to 0 VFs. Refused with VFS_ATTACHED (details.vms) while VMs hold its
   * VFs, unless `force` (R11).
   */
  restore: adminProcedure
    .meta({
      rest: {
        route: "POST /pfs/:pfId/restore",
        tag: "SR-IOV",
        summary: "Restore a PF to 0 VFs",
        longRunning: true,
        description: "Refused while VMs hold its VFs unless `force` (R11).",
      },
    })
    .input(restorePfInput)
    .output(sriovRouterOutputs.restore)
    .mutation(({ ctx, input }) => restorePhysicalNic(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. R13 advice for the split dialog, before submitting (core's pure `splitWarnings`). */
  splitWarnings: inventoryProcedure
    .input(splitWarningsInput)
    .output(sriovRouterOutputs.splitWarnings)
    .query(({ input }) => splitWarnings(input, input.splitSlaves)),
  /** Admin, Auditor. R3: VFs an L3 offers per host, and why none where none. */
  availability: inventoryProcedure
    .meta({
      rest: {
        route: "GET /l3-networks/:l3Id/vf-availability",
        tag: "SR-IOV",
        summary: "VFs an L3 network offers per host, and why none where none (R3)",
      },
    })
    .input(vfAvailabilityInput)
    .output(sriovRouterOutputs.availability)
    .query(({ ctx, input }) => vfAvailability(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. R3 on the L2 page: VFs its interface offers per host. REST: GET /l2-networks/{l2Id}/vf-availability. */
  l2Availability: inventoryProcedure
    .meta({
      rest: {
        route: "GET /l2-networks/:l2Id/vf-availability",
        tag: "SR-IOV",
        summary: "VFs the L2's interface offers per host (R3)",
      },
    })
    .input(l2VfAvailabilityInput)
    .output(sriovRouterOutputs.l2Availability)
    .query(({ ctx, input }) => l2VfAvailability(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. VF usage per PF and per L2. */
  overview: inventoryProcedure
    .meta({
      rest: { route: "GET /sriov/overview", tag: "SR-IOV", summary: "VF usage per PF and per L2" },
    })
    .input(sriovOverviewInput)
    .output(sriovRouterOutputs.overview)
    .query(({ ctx, input }) => sriovOverview(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. VFs across the fleet (or of one host, PF or L2), by PCI address, MAC or name. */
  vfs: inventoryProcedure
    .meta({
      rest: {
        route: "GET /vfs",
        tag: "SR-IOV",
        summary: "Search VFs across the fleet",
        description:
          "Admins and auditors. `q` is a PCI address (or its start; `04:10.2` means domain 0000), a MAC, or part of a VM or host name; filter by `state`, `hostId`, `pfId`, `l2Id`. Ordered by PCI address, paged by cursor.",
      },
    })
    .input(searchVfsInput)
    .output(sriovRouterOutputs.vfs)
    .query(({ ctx, input }) => searchVfs(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. Latest traffic counters and rates of a PF's VFs in use (issue 16). */
  pfCounters: inventoryProcedure
    .meta({
      rest: {
        route: "GET /pfs/:pfId/vf-counters",
        tag: "SR-IOV",
        summary: "Traffic counters of a PF's VFs in use",
        description:
          "Admins and auditors. Per VF held by a NIC: the latest sample and the per-second rates over the last two. A counter the PF driver does not keep is null, never 0.",
      },
    })
    .input(pfIdInput)
    .output(sriovRouterOutputs.pfCounters)
    .query(({ ctx, input }) => pfVfCounters(ctx.db, ctx.actor, input)),
  /** Admin, Auditor. A PF's VF pools (issue 16) with their L2s, projects and VF counts. */
  pools: inventoryProcedure
    .meta({
      rest: { route: "GET /pfs/:pfId/vf-pools", tag: "SR-IOV", summary: "A PF's VF pools" },
    })
    .input(listVfPoolsInput)
    .output(sriovRouterOutputs.pools)
    .query(({ ctx, input }) => listVfPools(ctx.db, ctx.actor, input)),
  /**
   * Admin (R15). Carves a pool ("#0-3") out of a PF's VFs for some L2s (and projects). Refused:
   * VF_POOL_INVALID_RANGE, VF_POOL_OUT_OF_RANGE, VF_POOL_OVERLAP, VF_POOL_L2_MISMATCH, and
   * VF_POOL_HELD_OUTSIDE with details.holders when VMs outside it hold VFs of the range.
   */
  createPool: adminProcedure
    .meta({
      rest: {
        route: "POST /pfs/:pfId/vf-pools",
        tag: "SR-IOV",
        summary:
          "Partition a PF's VFs: a named pool by index range (#0-3), bound to L2s and optionally projects",
      },
    })
    .input(createVfPoolInput)
    .output(sriovRouterOutputs.createPool)
    .mutation(({ ctx, input }) => createVfPool(ctx.db, ctx.actor, input)),
  /** Admin (R15). Deletes a VF pool; its VFs are free for all again. */
  deletePool: adminProcedure
    .meta({
      rest: { route: "DELETE /vf-pools/:poolId", tag: "SR-IOV", summary: "Delete a VF pool" },
    })
    .input(vfPoolIdInput)
    .output(sriovRouterOutputs.deletePool)
    .mutation(({ ctx, input }) => deleteVfPool(ctx.db, ctx.actor, input)),
});
