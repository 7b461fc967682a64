import { compactRowCounts, compactVfStateCounts, refreshClusterVfCounts } from "@virtfn/core";
import type { Db } from "@virtfn/db";

/** How often the VF count differences appended by the database are folded (see compactVfStateCounts). */
const COMPACT_MS = 5_000;

/**
 * Keeps the read paths' VF counts a few rows per PF and one per cluster: every reservation,
 * release and split appends differences and marks its cluster stale, and this folds the
 * differences and recomputes the stale clusters in the background. Several workers may run it.
 */
export function startVfCountCompaction(deps: { db: Db; log(line: string): void }): {
  stop(): Promise<void>;
} {
  let inFlight: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = compactVfStateCounts(deps.db)
      .then(() => refreshClusterVfCounts(deps.db))
      // The other running counts (VMs per project, NICs per L3, …) fold on the same beat.
      .then(() => compactRowCounts(deps.db))
      .catch((error: unknown) =>
        deps.log(`vf counts: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        inFlight = null;
      });
  }, COMPACT_MS);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
