"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
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
  const run = useMutation({
    mutationFn: spec.action,
    onSuccess: () => {
      onClose();
      spec.onDone?.();
    },
  });
  const close = () => {
    onClose();
    run.reset();
  };
  return (
    <ConfirmDialog
      open={open}
      title={spec.title}
      confirmLabel={spec.confirmLabel}
      danger={spec.danger}
      pending={run.isPending}
      error={
        run.isError ? (
          <>
            <ErrorBox error={run.error} />
            {spec.explainError?.(run.error)}
          </>
        ) : null
      }
      onClose={close}
      onConfirm={() => run.mutate()}
    >
      {typeof spec.body === "string" ? <p>{spec.body}</p> : spec.body}
    </ConfirmDialog>
  );
}

/**
 * A button that asks before it acts. `disabledReason` greys the button out and shows the reason
 * next to it (not only in a tooltip).
 */
export function ActionConfirm({
  label,
  variant,
  size = "sm",
  disabledReason,
  ...spec
}: ConfirmSpec & {
  label: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  disabledReason?: string | null | undefined;
}) {
  const [open, setOpen] = useState(false);
  const button = (
    <Button
      variant={variant ?? (spec.danger ? "danger-outline" : "default")}
      size={size}
      disabled={Boolean(disabledReason)}
      onClick={() => setOpen(true)}
    >
      {label}
    </Button>
  );
  return (
    <>
      {disabledReason ? (
        <span className="action-with-reason">
          {button}
          <span className="action-reason">{disabledReason}</span>
        </span>
      ) : (
        button
      )}
      <ActionConfirmDialog open={open} onClose={() => setOpen(false)} spec={spec} />
    </>
  );
}
