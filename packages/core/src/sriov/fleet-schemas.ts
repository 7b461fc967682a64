import { z } from "zod";

/**
 * maxUnavailable, as in the K8s SR-IOV operator's SriovNetworkPoolConfig: a number of hosts
 * ("2", or 2) or a percentage of the cluster's hosts ("10%").
 */
export const maxUnavailableSpec = z
  .union([z.number().int().min(1).max(100_000), z.string().trim()])
  .transform((value) => String(value))
  .refine((value) => /^[1-9]\d{0,5}$/.test(value) || /^([1-9]\d?|100)%$/.test(value), {
    message: 'A number of hosts (at least 1) or a percentage from 1% to 100%, e.g. "2" or "10%"',
  });

/**
 * The default budget. Not 1 host: the operator's serial default is what its users complain about
 * most. Not unbounded: a cluster keeps ~90 % of its hosts. 10 % of a cluster's hosts, rounded up,
 * is 2 hosts from 11 hosts on, 100 of 1,000, and 1 in a cluster of 10 or fewer, where one host is
 * already that share of the capacity.
 */
export const DEFAULT_MAX_UNAVAILABLE = "10%";

export const fleetSelection = z
  .object({
    clusterIds: z.array(z.uuid("Not a cluster id")).min(1, "Pick at least one cluster").max(200),
    /** PFs whose interface name is this (e.g. "p1p1"). */
    interfaceName: z.string().trim().min(1).max(64).optional(),
    /** PFs whose model is this (as the host reports it). */
    model: z.string().trim().min(1).max(128).optional(),
    /** An explicit list of PFs, within the clusters. */
    pfIds: z.array(z.uuid("Not a physical NIC id")).min(1).max(20_000).optional(),
  })
  .refine(
    (selection) =>
      selection.interfaceName !== undefined ||
      selection.model !== undefined ||
      selection.pfIds !== undefined,
    {
      message: "Select PFs by interface name, model or an explicit list",
      path: ["interfaceName"],
    },
  );

export const fleetRolloutInput = z
  .object({
    action: z.enum(["split", "restore"]),
    /** The VF count a split sets (R12: 1..totalVfs of each PF); a restore sets 0. */
    count: z.number().int("The VF count is a whole number").optional(),
    /** Restore only (R11): detach the VF NICs of VMs first. */
    force: z.boolean().default(false),
    selection: fleetSelection,
    maxUnavailable: maxUnavailableSpec.default(DEFAULT_MAX_UNAVAILABLE),
    /**
     * After a PF fails: "pause" starts no further host (those in flight finish; the rest end
     * Skipped), as the K8s operator stops draining further nodes; "continue" goes on.
     */
    onFailure: z.enum(["pause", "continue"]).default("pause"),
    /**
     * PFs the rules refuse (each with its reason) refuse the whole request unless this is set;
     * then they are recorded in the rollout as Refused, with their reason, and the rest run.
     */
    skipRefused: z.boolean().default(false),
  })
  .refine((input) => input.action === "restore" || input.count !== undefined, {
    message: "A split needs a VF count",
    path: ["count"],
  });
export type FleetRolloutInput = z.input<typeof fleetRolloutInput>;
export type FleetRolloutRequest = z.output<typeof fleetRolloutInput>;

export const fleetRolloutIdInput = z.object({ rolloutId: z.uuid("Not a fleet rollout id") });
export type FleetRolloutIdInput = z.input<typeof fleetRolloutIdInput>;

export const listFleetRolloutsInput = z.object({
  limit: z.number().int().min(1).max(100).default(20),
});
export type ListFleetRolloutsInput = z.input<typeof listFleetRolloutsInput>;

/** What the fleet.setVfCount operation carries from the service to the handler. */
export const fleetOperationInput = z.object({ rolloutId: z.uuid() });
