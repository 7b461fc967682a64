import * as core from "@virtfn/core";
import { z } from "zod";
import { adminProcedure, inventoryProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve } from "./serve";
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
    .meta(
      rest("SR-IOV", "POST /pfs/:pfId/split", "Split a PF into VFs", {
        longRunning: true,
        description:
          "Admins only (R15). `count` within the PF's totalVfs (R12); bonded PFs come with warnings (R13).",
      }),
    )
    .input(core.splitPfInput)
    .output(sriovRouterOutputs.split)
    .mutation(serve(core.splitPhysicalNic)),
  /**
   * Admin (R15). Restores a PF to 0 VFs. Refused with VFS_ATTACHED (details.vms) while VMs hold its
   * VFs, unless `force` (R11).
   */
  restore: adminProcedure
    .meta(
      rest("SR-IOV", "POST /pfs/:pfId/restore", "Restore a PF to 0 VFs", {
        longRunning: true,
        description: "Refused while VMs hold its VFs unless `force` (R11).",
      }),
    )
    .input(core.restorePfInput)
    .output(sriovRouterOutputs.restore)
    .mutation(serve(core.restorePhysicalNic)),
  /** Admin, Auditor. R13 advice for the split dialog, before submitting (core's pure `core.splitWarnings`). */
  splitWarnings: inventoryProcedure
    .input(splitWarningsInput)
    .output(sriovRouterOutputs.splitWarnings)
    .query(({ input }) => core.splitWarnings(input, input.splitSlaves)),
  /** Admin, Auditor. R3: VFs an L3 offers per host, and why none where none. */
  availability: inventoryProcedure
    .meta(
      rest(
        "SR-IOV",
        "GET /l3-networks/:l3Id/vf-availability",
        "VFs an L3 network offers per host, and why none where none (R3)",
      ),
    )
    .input(core.vfAvailabilityInput)
    .output(sriovRouterOutputs.availability)
    .query(serve(core.vfAvailability)),
  /** Admin, Auditor. R3 on the L2 page: VFs its interface offers per host. REST: GET /l2-networks/{l2Id}/vf-availability. */
  l2Availability: inventoryProcedure
    .meta(
      rest(
        "SR-IOV",
        "GET /l2-networks/:l2Id/vf-availability",
        "VFs the L2's interface offers per host (R3)",
      ),
    )
    .input(core.l2VfAvailabilityInput)
    .output(sriovRouterOutputs.l2Availability)
    .query(serve(core.l2VfAvailability)),
  /** Admin, Auditor. VF usage per PF and per L2. */
  overview: inventoryProcedure
    .meta(rest("SR-IOV", "GET /sriov/overview", "VF usage per PF and per L2"))
    .input(core.sriovOverviewInput)
    .output(sriovRouterOutputs.overview)
    .query(serve(core.sriovOverview)),
  /** Admin, Auditor. VFs across the fleet (or of one host, PF or L2), by PCI address, MAC or name. */
  vfs: inventoryProcedure
    .meta(
      rest("SR-IOV", "GET /vfs", "Search VFs across the fleet", {
        description:
          "Admins and auditors. `q` is a PCI address (or its start; `04:10.2` means domain 0000), a MAC, or part of a VM or host name; filter by `state`, `hostId`, `pfId`, `l2Id`. Ordered by PCI address, paged by cursor.",
      }),
    )
    .input(core.searchVfsInput)
    .output(sriovRouterOutputs.vfs)
    .query(serve(core.searchVfs)),
  /** Admin, Auditor. Latest traffic counters and rates of a PF's VFs in use (issue 16). */
  pfCounters: inventoryProcedure
    .meta(
      rest("SR-IOV", "GET /pfs/:pfId/vf-counters", "Traffic counters of a PF's VFs in use", {
        description:
          "Admins and auditors. Per VF held by a NIC: the latest sample and the per-second rates over the last two. A counter the PF driver does not keep is null, never 0.",
      }),
    )
    .input(core.pfIdInput)
    .output(sriovRouterOutputs.pfCounters)
    .query(serve(core.pfVfCounters)),
  /** Admin, Auditor. A PF's VF pools (issue 16) with their L2s, projects and VF counts. */
  pools: inventoryProcedure
    .meta(rest("SR-IOV", "GET /pfs/:pfId/vf-pools", "A PF's VF pools"))
    .input(core.listVfPoolsInput)
    .output(sriovRouterOutputs.pools)
    .query(serve(core.listVfPools)),
  /**
   * Admin (R15). Carves a pool ("#0-3") out of a PF's VFs for some L2s (and projects). Refused:
   * VF_POOL_INVALID_RANGE, VF_POOL_OUT_OF_RANGE, VF_POOL_OVERLAP, VF_POOL_L2_MISMATCH, and
   * VF_POOL_HELD_OUTSIDE with details.holders when VMs outside it hold VFs of the range.
   */
  createPool: adminProcedure
    .meta(
      rest(
        "SR-IOV",
        "POST /pfs/:pfId/vf-pools",
        "Partition a PF's VFs: a named pool by index range (#0-3), bound to L2s and optionally projects",
      ),
    )
    .input(core.createVfPoolInput)
    .output(sriovRouterOutputs.createPool)
    .mutation(serve(core.createVfPool)),
  /** Admin (R15). Deletes a VF pool; its VFs are free for all again. */
  deletePool: adminProcedure
    .meta(rest("SR-IOV", "DELETE /vf-pools/:poolId", "Delete a VF pool"))
    .input(core.vfPoolIdInput)
    .output(sriovRouterOutputs.deletePool)
    .mutation(serve(core.deleteVfPool)),
});
