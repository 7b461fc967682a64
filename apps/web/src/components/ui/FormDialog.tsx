"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState, type ReactNode } from "react";
import {
  FormProvider,
  useForm,
  type DefaultValues,
  type FieldValues,
  type Path,
} from "react-hook-form";
import type { z } from "zod";
import { Dialog } from "~/components/Dialog";
import { serverFieldErrors, type DomainField } from "~/lib/server-field-errors";
import { FormActions } from "./FormActions";

/** What a page gives a form dialog it opens: how to close it, and what to call with the values. */
export interface OpenedForm<Out> {
  onClose: () => void;
  /** Calls the mutation (`create.mutateAsync(values)`); a rejection is mapped onto the fields. */
  onSubmit: (values: Out) => Promise<unknown>;
}

export interface FormDialogProps<In extends FieldValues, Out> extends OpenedForm<Out> {
  /** False keeps it closed; a form the page mounts only while open (formCreate's) leaves it out. */
  open?: boolean;
  title: string;
  /** The server's input schema (from `@virtfn/core/schemas`), so both sides check the same rules. */
  schema: z.ZodType<Out, In>;
  /** Every field the form shows, with its starting value (server errors land only on these). */
  defaultValues: DefaultValues<In>;
  /** The submit button; left out, it says the title ("Add zone"). */
  submitLabel?: string;
  pendingLabel?: string;
  children: ReactNode;
  /** Above the fields (a hint, a banner). */
  intro?: ReactNode;
  wide?: boolean;
  /** Lays the fields out in two columns (fields with `span-all` take both). */
  columns?: boolean;
  /**
   * A domain error that belongs to one field without naming it as a path (VNI_IN_USE → "vni"):
   * returns the field, or undefined to leave the error above the buttons.
   */
  domainField?: DomainField;
  /** What follows a successful submit instead of closing (a next step inside the dialog). */
  onSubmitted?: () => void;
}

/**
 * A dialog with a form on react-hook-form. The fields inside (TextField, SelectField, …) read
 * the form from context. The schema checks before sending; the server's own field errors (zod
 * paths, a domain error naming a field) are put on the fields; anything else shows above the
 * buttons.
 */
export function FormDialog<In extends FieldValues, Out>({
  open = true,
  onClose,
  title,
  schema,
  defaultValues,
  submitLabel,
  pendingLabel,
  onSubmit,
  children,
  intro,
  wide,
  columns,
  domainField,
  onSubmitted,
}: FormDialogProps<In, Out>) {
  const form = useForm<In, unknown, Out>({
    resolver: zodResolver(schema),
    defaultValues,
  });
  const [unplaced, setUnplaced] = useState<unknown>(null);
  const clear = () => {
    form.reset(defaultValues);
    setUnplaced(null);
  };
  const close = () => {
    onClose();
    clear();
  };
  const hasField = (path: string) => form.getValues(path as Path<In>) !== undefined;
  const submit = form.handleSubmit(async (values) => {
    setUnplaced(null);
    try {
      await onSubmit(values);
      if (onSubmitted) {
        clear();
        onSubmitted();
      } else close();
    } catch (error) {
      const { fields, unplaced: left } = serverFieldErrors(error, hasField, domainField);
      for (const [path, message] of Object.entries(fields)) {
        form.setError(path as Path<In>, { type: "server", message }, { shouldFocus: true });
      }
      if (left) setUnplaced(error);
    }
  });
  const pending = form.formState.isSubmitting;
  return (
    <Dialog open={open} onClose={close} title={title} wide={wide}>
      <FormProvider {...form}>
        <form noValidate onSubmit={(event) => void submit(event)}>
          <div className={`dialog-content form-grid ${columns ? "form-cols" : ""}`}>
            {intro}
            {children}
          </div>
          <FormActions
            error={unplaced}
            pending={pending}
            submitLabel={submitLabel ?? title}
            pendingLabel={pendingLabel}
            onCancel={close}
          />
        </form>
      </FormProvider>
    </Dialog>
  );
}
