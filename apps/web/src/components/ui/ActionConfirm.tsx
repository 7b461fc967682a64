"use client";

import { useId, useState } from "react";
import type { ConfirmSpec } from "./ActionConfirmDialog";
import { Button, type ButtonSize, type ButtonVariant } from "./Button";
import { ActionConfirmDialog } from "./LazyConfirmDialog";

export type { ConfirmSpec } from "./ActionConfirmDialog";
export { ActionConfirmDialog } from "./LazyConfirmDialog";

export interface ReasonedButtonProps {
  label: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  disabledReason?: string | null | undefined;
  quietReason?: boolean;
  /** The reason's id (and test id), for pages whose tests find it. */
  reasonId?: string;
  /**
   * The id of the element that spells the reason out elsewhere (a note under a group of buttons,
   * where a long reason has room): the button points there instead of saying it beside itself.
   */
  reasonElsewhere?: string;
  testId?: string;
}

/**
 * A button core's verdict may grey out. The refusal's reason sits right next to it, so it is read
 * before anyone clicks; a `quietReason` (a plain state refusal, or a running operation said
 * elsewhere on the page) goes only to the tooltip and to screen readers.
 */
export function ReasonedButton({
  label,
  variant = "default",
  size = "sm",
  disabledReason,
  quietReason = false,
  reasonId,
  reasonElsewhere,
  testId,
  onClick,
}: ReasonedButtonProps & { onClick: () => void }) {
  const generatedId = useId();
  const whyId = reasonElsewhere ?? reasonId ?? generatedId;
  const button = (
    <Button
      variant={variant}
      size={size}
      disabled={Boolean(disabledReason)}
      onClick={onClick}
      title={disabledReason ? `${label} — ${disabledReason}` : undefined}
      aria-describedby={disabledReason ? whyId : undefined}
      data-testid={testId}
    >
      {label}
      {disabledReason && quietReason && !reasonElsewhere ? (
        <span className="sr-only" id={whyId}>
          {disabledReason}
        </span>
      ) : null}
    </Button>
  );
  if (!disabledReason || quietReason || reasonElsewhere) return button;
  return (
    <span className="action-with-reason">
      {button}
      <span className="action-reason" id={whyId} data-testid={reasonId}>
        {disabledReason}
      </span>
    </span>
  );
}

/**
 * A button that asks before it acts. `disabledReason` greys the button out and shows the reason
 * next to it (not only in a tooltip).
 */
export function ActionConfirm({
  title,
  body,
  confirmLabel,
  danger,
  action,
  onDone,
  explainError,
  ...button
}: ConfirmSpec & ReasonedButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <ReasonedButton
        {...button}
        variant={button.variant ?? (danger ? "danger-outline" : "default")}
        onClick={() => setOpen(true)}
      />
      {open ? (
        <ActionConfirmDialog
          open
          onClose={() => setOpen(false)}
          spec={{ title, body, confirmLabel, danger, action, onDone, explainError }}
        />
      ) : null}
    </>
  );
}
