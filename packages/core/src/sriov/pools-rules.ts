import { DomainError, ErrorCode } from "../shared/errors";
import { poolAdmits } from "./pools-placement";

// VF pools as pure rules (issue 16). The semantics, settled here once:
// - A pool is a named index range of one PF's VFs ("#0-3", as the K8s SR-IOV operator writes
//   `pfNames: ["ens1f0#0-3"]`), bound to one or more L2s and optionally to projects.
// - A PF without pools behaves as before. A VF in a pool goes only to a VF NIC on one of the
//   pool's L2s, and, when the pool names projects, only in one of them.
// - A VF of a pooled PF that no pool covers stays free for all. The K8s operator leaves such VFs
//   unadvertised because there every resource must be declared; here the PF already serves every
//   L2 on its interface, and carving a pool out of it must not take the rest away from them.
// - Pools of a PF do not overlap and lie inside its current VF count; a split to a smaller count
//   or a restore that would cut a pool is refused, naming it (delete or shrink the pool first).
// - A pool over VFs that VMs hold is refused when a holder could not have got the VF through the
//   pool (its NIC on another L2, or its project not named), listing them: allowing it would leave
//   VFs in a pool that were not handed out through it, which is the one thing a pool promises.

export interface VfRange {
  first: number;
  last: number;
}

export interface PoolRange extends VfRange {
  name: string;
}

/** "#0-3", "0-3", "#5" or "5" → { first, last }; refused when not a range of VF indexes. */
export function parseVfRange(text: string): VfRange {
  const match = /^#?\s*(\d{1,4})\s*(?:-\s*(\d{1,4}))?$/.exec(text.trim());
  const first = Number(match?.[1]);
  const last = match?.[2] === undefined ? first : Number(match[2]);
  if (!match || last < first) {
    throw new DomainError(
      ErrorCode.VF_POOL_INVALID_RANGE,
      "BAD_REQUEST",
      `"${text}" is not a VF range: write it as #first-last, as in #0-3.`,
      { range: text },
    );
  }
  return { first, last };
}

export function formatVfRange(range: VfRange): string {
  return range.first === range.last ? `#${range.first}` : `#${range.first}-${range.last}`;
}

/** A new (or changed) pool's range: inside the PF's VF count, overlapping no other pool. */
export function checkPoolRange(
  pf: { name: string; numVfs: number },
  range: VfRange,
  others: PoolRange[],
): void {
  if (range.last >= pf.numVfs) {
    throw new DomainError(
      ErrorCode.VF_POOL_OUT_OF_RANGE,
      "BAD_REQUEST",
      pf.numVfs === 0
        ? `${pf.name} is not split: a pool needs VFs to take.`
        : `${pf.name} has VFs #0-${pf.numVfs - 1}; ${formatVfRange(range)} reaches past them.`,
      { pf: pf.name, numVfs: pf.numVfs, range: formatVfRange(range) },
    );
  }
  const clash = others.find((pool) => pool.first <= range.last && range.first <= pool.last);
  if (clash) {
    throw new DomainError(
      ErrorCode.VF_POOL_OVERLAP,
      "CONFLICT",
      `${formatVfRange(range)} overlaps pool ${clash.name} (${formatVfRange(clash)}) of ${pf.name}.`,
      { pf: pf.name, pool: clash.name, range: formatVfRange(range) },
    );
  }
}

/** The pools a PF would lose VFs of at this VF count (0: a restore). */
export function poolsCutBy(pools: PoolRange[], count: number): PoolRange[] {
  return pools.filter((pool) => pool.last >= count);
}

/** Split to a smaller count, or restore: refused while it would cut a pool, naming it. */
export function checkResizeKeepsPools(
  pf: { name: string },
  pools: PoolRange[],
  count: number,
): void {
  const cut = poolsCutBy(pools, count);
  if (cut.length === 0) return;
  const names = cut.map((pool) => `${pool.name} (${formatVfRange(pool)})`).join(", ");
  const action = count === 0 ? "Restoring" : `Splitting into ${count} VFs`;
  throw new DomainError(
    ErrorCode.VF_POOL_CUT,
    "CONFLICT",
    `${action} would cut VF pool${cut.length > 1 ? "s" : ""} ${names} of ${pf.name}; delete or shrink ${cut.length > 1 ? "them" : "it"} first.`,
    { pf: pf.name, count, pools: cut.map((pool) => ({ ...pool, range: formatVfRange(pool) })) },
  );
}

/** A VM NIC holding a VF in the range a pool is to take. */
export interface PoolHolder {
  vfIndex: number;
  vmName: string;
  projectId: string;
  l2Id: string;
  l3Name: string;
}

/** Holders that could not have got their VF through the pool: refused, each listed. */
export function checkHoldersFit(
  pool: { name: string; l2Ids: string[]; projectIds: string[] },
  holders: PoolHolder[],
): void {
  const outside = holders.filter((h) => !poolAdmits(pool, h.l2Id, h.projectId));
  if (outside.length === 0) return;
  const list = outside.map((h) => `VF #${h.vfIndex} (VM ${h.vmName} on L3 ${h.l3Name})`).join(", ");
  throw new DomainError(
    ErrorCode.VF_POOL_HELD_OUTSIDE,
    "CONFLICT",
    `Pool ${pool.name} would take VFs that VMs outside it hold: ${list}. Stop or move those VMs, or bind the pool to their L2 and project.`,
    {
      pool: pool.name,
      holders: outside.map((h) => ({ vfIndex: h.vfIndex, vm: h.vmName, l3: h.l3Name })),
    },
  );
}

/** An L2 can be bound to a pool only if its interface resolves to the pool's PF. */
export function checkL2sServePf(
  pf: { name: string | null; bondName: string | null },
  l2s: Array<{ name: string; physicalInterface: string }>,
): void {
  const foreign = l2s.filter(
    (l2) => l2.physicalInterface !== pf.name && l2.physicalInterface !== pf.bondName,
  );
  if (foreign.length === 0) return;
  throw new DomainError(
    ErrorCode.VF_POOL_L2_MISMATCH,
    "BAD_REQUEST",
    `${foreign.map((l2) => `L2 ${l2.name} (on ${l2.physicalInterface})`).join(", ")} cannot take VFs of ${pf.name ?? "this PF"}.`,
    { pf: pf.name, l2s: foreign.map((l2) => l2.name) },
  );
}
