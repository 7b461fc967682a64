"use client";

import { useId, useState, type ReactNode } from "react";
import { ConfirmDialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";
import { Button, type ButtonSize, type ButtonVariant } from "./Button";

export interface ConfirmSpec {
  title: string;
  /** What will happen, in words; the dialog's body. */
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** Runs the mutation (e.g. `() => remove.mutateAsync({ id })`); a rejection stays in the dialog. */
  action: () => Promise<unknown>;
  onDone?: () => void;
  /** More about a refusal under its message (what blocks a delete, say). */
  explainError?: (error: unknown) => ReactNode;
}

/**
 * The confirm dialog of an action, open or closed by its owner (an ActionMenu entry, a button).
 * While the action runs the confirm button says so; when it fails the error shows inside the
 * dialog, which stays open so the user can read it, retry or cancel.
 */
export function ActionConfirmDialog({
  open,
  onClose,
  spec,
}: {
  open: boolean;
  onClose: () => void;
  spec: ConfirmSpec;
}) {
  // Its own small state, not react-query's: a server-rendered page's confirm needs no data layer.
  const [run, setRun] = useState<{ pending: boolean; error: unknown }>({
    pending: false,
    error: null,
  });
  const confirm = async () => {
    setRun({ pending: true, error: null });
    try {
      await spec.action();
    } catch (error) {
      setRun({ pending: false, error });
      return;
    }
    setRun({ pending: false, error: null });
    onClose();
    spec.onDone?.();
  };
  const close = () => {
    onClose();
    setRun({ pending: false, error: null });
  };
  return (
    <ConfirmDialog
      open={open}
      title={spec.title}
      confirmLabel={spec.confirmLabel}
      danger={spec.danger}
      pending={run.pending}
      error={
        run.error !== null ? (
          <>
            <ErrorBox error={run.error} />
            {spec.explainError?.(run.error)}
          </>
        ) : null
      }
      onClose={close}
      onConfirm={() => void confirm()}
    >
      {typeof spec.body === "string" ? <p>{spec.body}</p> : spec.body}
    </ConfirmDialog>
  );
}

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
      <ActionConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        spec={{ title, body, confirmLabel, danger, action, onDone, explainError }}
      />
    </>
  );
}
