import type { ReactNode } from "react";
import { Dialog } from "~/components/Dialog";
import { Form } from "./Form";
import { FormActions, type FormActionsProps } from "./FormActions";

/**
 * A dialog that is one form on the page's own state (not react-hook-form, see FormDialog): the
 * fields, then the form's foot, whose Cancel closes it. Mounted only while open.
 */
export function DialogForm({
  title,
  onClose,
  onSubmit,
  grid = false,
  testId,
  children,
  ...foot
}: Omit<FormActionsProps, "onCancel"> & {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  /** Lays the fields out in the form grid (labels above inputs); false for prose and a field. */
  grid?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Dialog open onClose={onClose} title={title}>
      <Form onSubmit={onSubmit} data-testid={testId}>
        <div className={grid ? "dialog-content form-grid" : "dialog-content"}>{children}</div>
        <FormActions {...foot} onCancel={onClose} />
      </Form>
    </Dialog>
  );
}
