"use client";

import { useId, type ReactNode } from "react";
import { get, useFormContext, type RegisterOptions } from "react-hook-form";
import { describedBy, Field } from "~/components/Field";
import { numberOrUndefined } from "~/components/Field";

interface FieldBase {
  name: string;
  label: string;
  hint?: ReactNode;
  autoFocus?: boolean;
}

/** The registered field's error message and wiring, shared by the inputs below. */
function useFormField(name: string, hint: ReactNode, options?: RegisterOptions) {
  const id = useId();
  const form = useFormContext();
  const error = (get(form.formState.errors, name) as { message?: string } | undefined)?.message;
  return {
    id,
    error,
    props: {
      id,
      ...form.register(name, options),
      "aria-invalid": error ? true : undefined,
      "aria-describedby": describedBy(id, error, Boolean(hint)),
    },
  };
}

export function TextField({
  name,
  label,
  hint,
  autoFocus,
  type = "text",
  autoComplete = "off",
  placeholder,
  optional,
}: FieldBase & {
  type?: "text" | "password" | "url";
  autoComplete?: string;
  placeholder?: string;
  /** An empty box is sent as undefined (the schema's `.optional()`), not as "". */
  optional?: boolean;
}) {
  const { id, error, props } = useFormField(
    name,
    hint,
    optional ? { setValueAs: (v: unknown) => (v === "" ? undefined : v) } : undefined,
  );
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        {...props}
        type={type}
        autoComplete={autoComplete}
        placeholder={placeholder}
        data-autofocus={autoFocus ? "" : undefined}
      />
    </Field>
  );
}

/** A number input: "" is sent as undefined (the schema then says it is required, or defaults it). */
export function NumberField({
  name,
  label,
  hint,
  autoFocus,
  min,
  max,
}: FieldBase & { min?: number; max?: number }) {
  const { id, error, props } = useFormField(name, hint, {
    setValueAs: (value: unknown) =>
      typeof value === "number" ? value : numberOrUndefined(String(value ?? "")),
  });
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <input
        {...props}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        data-autofocus={autoFocus ? "" : undefined}
      />
    </Field>
  );
}

export function SelectField({
  name,
  label,
  hint,
  autoFocus,
  options,
  setValueAs,
}: FieldBase & {
  options: readonly { value: string; label: string }[];
  /** Maps the chosen value onto the schema's type (e.g. one project id → `[id]`). */
  setValueAs?: (value: string) => unknown;
}) {
  const { id, error, props } = useFormField(
    name,
    hint,
    setValueAs ? { setValueAs: (v: unknown) => setValueAs(String(v ?? "")) } : undefined,
  );
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <select {...props} data-autofocus={autoFocus ? "" : undefined}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}
