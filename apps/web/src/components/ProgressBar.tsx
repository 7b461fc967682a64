import type { OperationStatus } from "@virtfn/db";

export function ProgressBar({
  value,
  status,
  label,
  valueText,
}: {
  value: number;
  status: OperationStatus;
  label?: string;
  /** "37/63 VF changes" when the operation counts something (its progress data). */
  valueText?: string | null;
}) {
  const bounded = Math.max(0, Math.min(100, value));
  return (
    <div
      className={`progress progress-${status.toLowerCase()}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={bounded}
      aria-label={label ?? "Progress"}
      {...(valueText ? { "aria-valuetext": `${bounded}% (${valueText})` } : {})}
    >
      <div
        className="progress-fill"
        style={{ width: `${status === "Succeeded" ? 100 : bounded}%` }}
      />
    </div>
  );
}
