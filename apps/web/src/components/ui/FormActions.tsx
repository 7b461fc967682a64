import type { ReactNode } from "react";
import { ErrorBox } from "~/components/ErrorBox";
import { Button, type ButtonVariant } from "./Button";

export interface FormActionsProps {
  error?: unknown;
  /** False when the error's messages sit on the fields. */
  unplaced?: boolean;
  pending: boolean;
  submitLabel: string;
  pendingLabel?: string;
  submitVariant?: ButtonVariant;
  submitDisabled?: boolean;
  onCancel: () => void;
  /** "Close" where the dialog holds more than the form (a list the form adds to). */
  cancelLabel?: string;
  /** Another action before Cancel (a "Remove QoS"). */
  extra?: ReactNode;
}

/**
 * A form's foot: the error no field could take (or, when the fields took it, a line saying so),
 * then Cancel and the submit button, which says what it is doing while the request runs.
 */
export function FormActions({
  error,
  unplaced = true,
  pending,
  submitLabel,
  pendingLabel = "Saving…",
  submitVariant = "primary",
  submitDisabled = false,
  onCancel,
  cancelLabel = "Cancel",
  extra,
}: FormActionsProps) {
  return (
    <>
      {error && unplaced ? <ErrorBox error={error} /> : null}
      {error && !unplaced ? (
        <p className="form-summary" role="status">
          Fix the highlighted fields and try again.
        </p>
      ) : null}
      <div className="dialog-actions">
        {extra}
        <Button onClick={onCancel}>{cancelLabel}</Button>
        <Button type="submit" variant={submitVariant} disabled={pending || submitDisabled}>
          {pending ? pendingLabel : submitLabel}
        </Button>
      </div>
    </>
  );
}
