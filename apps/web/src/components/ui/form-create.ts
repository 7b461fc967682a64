import type { ReactNode } from "react";
import type { Action } from "~/trpc/useAction";
import type { OpenedForm } from "./FormDialog";
import type { CreateDialogSpec } from "./ListPage";

/**
 * A list page's create action whose dialog is a form (FormDialog) submitting through the page's
 * own action (useAction): the page names the button and renders the form with what it is given.
 */
export function formCreate<In>(
  label: string,
  action: Pick<Action<In, unknown>, "mutateAsync">,
  form: (opened: OpenedForm<In>) => ReactNode,
): CreateDialogSpec {
  return {
    label,
    dialog: (close) => form({ onClose: close, onSubmit: (values) => action.mutateAsync(values) }),
  };
}
