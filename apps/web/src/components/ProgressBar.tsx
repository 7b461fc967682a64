import type { OperationStatus } from "@virtfn/db";

export function ProgressBar({
  value,
  status,
  label,
}: {
  value: number;
  status: OperationStatus;
  label?: string;
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
    >
      <div
        className="progress-fill"
        style={{ width: `${status === "Succeeded" ? 100 : bounded}%` }}
      />
    </div>
  );
}
