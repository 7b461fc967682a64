import { settleStrandedMigrations, type OperationContext } from "@virtfn/core";

/**
 * Every `intervalMs`, rolls back the live migration runs whose operation ended without them
 * (core's vms/migrate-stranded.ts says when that happens). Several workers may run it.
 */
export function startStrandedMigrationSweep(
  deps: Pick<OperationContext, "db" | "agentFor"> & {
    intervalMs: number;
    log(line: string): void;
  },
): { stop(): Promise<void> } {
  let inFlight: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = settleStrandedMigrations(deps)
      .then((settled) => {
        if (settled.length > 0)
          deps.log(`migrations: rolled back ${settled.length} run(s) left by an ended operation`);
      })
      .catch((error: unknown) =>
        deps.log(`migrations: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        inFlight = null;
      });
  }, deps.intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}
