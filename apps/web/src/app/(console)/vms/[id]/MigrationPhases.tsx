import type { MigrationStep } from "@virtfn/core";
import { ErrorBox } from "~/components/ErrorBox";
import type { VmPageData } from "./page";

const STEP_BADGE: Record<MigrationStep["state"], [string, string]> = {
  done: ["badge-ok", "done"],
  running: ["badge-info", "running"],
  pending: ["badge-muted", "pending"],
  failed: ["badge-err", "failed"],
};

/**
 * The phases of the VM's latest live migration with VF NICs (issue 17): claim, unplug, migrate,
 * plug, done, and whether it rolled back. The page follows it closely while it runs; nothing
 * when the VM never had one.
 */
export function MigrationPhases({ progress }: { progress: VmPageData["migration"] }) {
  if (progress.error)
    return <ErrorBox title="Could not load the migration." error={progress.error} />;
  const run = progress.data;
  if (!run) return null;
  const active = run.status === "Pending" || run.status === "Running";
  return (
    <section className="panel" data-testid="migration-phases" data-phase={run.phase}>
      <h2>
        Live migration to {run.targetHostName}{" "}
        <span
          className={`badge ${run.rolledBack ? "badge-warn" : active ? "badge-info" : "badge-ok"}`}
        >
          {run.rolledBack ? "rolled back" : active ? "in progress" : "done"}
        </span>
      </h2>
      <ol className="migration-steps">
        {run.steps.map((step) => {
          const [badge, label] = STEP_BADGE[step.state];
          return (
            <li
              key={step.phase}
              data-testid={`migration-step-${step.phase}`}
              data-state={step.state}
            >
              <span className={`badge ${badge}`}>{label}</span> {step.label}
            </li>
          );
        })}
      </ol>
      {run.failure ? (
        <p className="hint" role="alert">
          Rolled back after: {run.failure}. No VF stays claimed; NICs without a VF run on their
          virtio failover partner until the next reboot.
        </p>
      ) : null}
    </section>
  );
}
