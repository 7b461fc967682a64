// Progress as data: besides the percentage and the sentence for humans, an operation says which
// phase it is in and, where it counts things, how many of how many. The UI draws its bar and its
// "37/63 VF changes" from these numbers, never from the sentence. This file is for the browser too
// ("@virtfn/core/progress"): no zod here; the check of a handler's figures is in progress-figures.ts.

/** The phases that count something, and what they count (the UI's unit). */
export const progressPhases = {
  /** Detaching VF NICs before a forced restore or a resize through 0. */
  detach: "VF NICs",
  /** The agent's sriov_numvfs task: VFs created or removed. */
  vfChanges: "VF changes",
  /** Reading the VFs back from the host after a split. */
  readBack: "VFs",
  /** A fleet rollout: PFs finished (succeeded, failed or skipped) of those it acts on. */
  rollout: "PFs",
} as const;
export type ProgressPhase = keyof typeof progressPhases;

/** The progress columns of an Operation row, as the views carry them. */
export interface ProgressData {
  progress: number;
  progressMessage: string;
  progressPhase: string | null;
  progressDone: number | null;
  progressTotal: number | null;
}

/** The unit a phase counts, for "37/63 VF changes"; null for a phase that is not known here. */
export function progressUnit(phase: string | null): string | null {
  return phase !== null && phase in progressPhases ? progressPhases[phase as ProgressPhase] : null;
}

/** "37/63 VF changes" from the numbers; null when the operation counts nothing right now. */
export function progressCount(
  data: Omit<ProgressData, "progress" | "progressMessage">,
): string | null {
  if (data.progressDone === null || data.progressTotal === null) return null;
  const unit = progressUnit(data.progressPhase);
  return `${data.progressDone}/${data.progressTotal}${unit ? ` ${unit}` : ""}`;
}

/** A percentage between 0 and 100, whole. */
export function boundedPercent(percent: number): number {
  return Math.max(0, Math.min(100, Math.round(percent)));
}
