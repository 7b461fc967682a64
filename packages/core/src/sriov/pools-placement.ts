// What VF pools (sriov/pools.ts) mean for the placement snapshot: of a PF's free VFs, those in a
// pool that does not admit the NIC's L2 and project are not free for it. The database has the
// last word (virtfn_vf_open, in the reservation's statement); this is the same rule over the
// counted snapshot, for ranking hosts and for saying why one was left out.

/** A pool of a PF as placement reads it: who it admits, and how many of its VFs are free. */
export interface PlacementPool {
  name: string;
  l2Ids: string[];
  /** Empty: every project of its L2s. */
  projectIds: string[];
  availableVfs: number;
}

interface PooledPf {
  name: string;
  availableVfs: number;
  /** Null or absent: the PF has no pools, and every free VF is free for every L2. */
  pools?: PlacementPool[] | null;
}

/** Whether a pool hands its VFs to a NIC on this L2 in this project (no project: none named). */
export function poolAdmits(
  pool: Pick<PlacementPool, "l2Ids" | "projectIds">,
  l2Id: string,
  projectId: string | undefined,
): boolean {
  if (!pool.l2Ids.includes(l2Id)) return false;
  return (
    pool.projectIds.length === 0 || (projectId !== undefined && pool.projectIds.includes(projectId))
  );
}

/** The pools of this PF that keep their free VFs from this L2 and project. */
function closedPools(pf: PooledPf, l2Id: string, projectId: string | undefined): PlacementPool[] {
  return (pf.pools ?? []).filter((pool) => !poolAdmits(pool, l2Id, projectId));
}

/** Free VFs of these PFs that a NIC on this L2 in this project can be given. */
export function openVfs(pfs: PooledPf[], l2Id: string, projectId: string | undefined): number {
  return pfs.reduce((sum, pf) => {
    const withheld = closedPools(pf, l2Id, projectId).reduce((n, pool) => n + pool.availableVfs, 0);
    return sum + Math.max(0, pf.availableVfs - withheld);
  }, 0);
}

/** For a refusal: " (3 more free in pools not open to it: ens1f0#gold)", or "" when none. */
export function poolNote(pfs: PooledPf[], l2Id: string, projectId: string | undefined): string {
  const closed = pfs.flatMap((pf) =>
    closedPools(pf, l2Id, projectId)
      .filter((pool) => pool.availableVfs > 0)
      .map((pool) => ({ label: `${pf.name}#${pool.name}`, free: pool.availableVfs })),
  );
  if (closed.length === 0) return "";
  const free = closed.reduce((n, pool) => n + pool.free, 0);
  return ` (${free} more free in pools not open to it: ${closed.map((pool) => pool.label).join(", ")})`;
}
