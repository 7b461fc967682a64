import type { ReactNode } from "react";
import { operationKindLabel } from "~/lib/operation-kinds";

/**
 * A detail page's actions as one labelled group. While an operation runs on the thing, one note
 * under the group says why its buttons are disabled, instead of each button saying it; `after`
 * holds what the page adds below (spelled-out reasons, an action's error, its dialogs).
 */
export function ActionBar({
  label,
  busy,
  className,
  after,
  children,
}: {
  /** The group's accessible name: "Host actions". */
  label: string;
  busy?: { kind: string; status: string } | null;
  className?: string;
  after?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="actions-wrap">
      <div
        className={className ? `actions ${className}` : "actions"}
        role="group"
        aria-label={label}
      >
        {children}
      </div>
      {busy ? (
        <p className="actions-note" role="status">
          Actions are disabled while “{operationKindLabel(busy.kind)}” is{" "}
          {busy.status.toLowerCase()}.
        </p>
      ) : null}
      {after}
    </div>
  );
}
