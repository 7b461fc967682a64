"use client";

import { useState, type ReactNode } from "react";
import { ConfirmDialog } from "~/components/Dialog";
import { ErrorBox } from "~/components/ErrorBox";

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
