import { createElement, type ComponentType, type ReactNode } from "react";
import type { Api } from "~/trpc/client";
import type { Action } from "~/trpc/useAction";
import type { OpenedForm } from "./FormDialog";
import type { CreateDialogSpec } from "./ListPage";
import type { ApiCall } from "./useApiCall";

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

/** A section's add dialog, given how to close it and how to run a call (its one useApiCall). */
export type SectionDialog = (
  close: () => void,
  run: (call: ApiCall) => Promise<unknown>,
) => ReactNode;

/**
 * A list section's add form (FormDialog) whose submit is one procedure call with the form's
 * values, run through the section's action: the form's values type the call.
 */
export function sectionForm<In>(
  Form: ComponentType<OpenedForm<In>>,
  call: (api: Api, values: In) => Promise<unknown>,
): SectionDialog {
  return (close, run) =>
    createElement(Form, { onClose: close, onSubmit: (values) => run((api) => call(api, values)) });
}
