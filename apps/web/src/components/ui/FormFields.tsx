"use client";

import { useId, type ReactNode } from "react";
import {
  get,
  useFormContext,
  type RegisterOptions,
  type UseFormRegisterReturn,
} from "react-hook-form";
import { describedBy, Field, numberOrUndefined } from "~/components/Field";

/** What a control gets: react-hook-form's registration, its id and its aria wiring. */
type ControlProps = UseFormRegisterReturn & {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  "data-autofocus": "" | undefined;
};

interface FieldBase {
  name: string;
  label: string;
  hint?: ReactNode;
  autoFocus?: boolean;
}

/**
 * The registered field's wiring (id, error, aria) for its control, and `field()`, which puts the
 * control under its label with its hint and error: shared by the inputs below.
 */
function useFormField(
  { name, label, hint, autoFocus }: FieldBase,
  options?: RegisterOptions,
): { props: ControlProps; field: (control: ReactNode) => ReactNode } {
  const id = useId();
  const form = useFormContext();
  const error = (get(form.formState.errors, name) as { message?: string } | undefined)?.message;
  return {
    props: {
      id,
      ...form.register(name, options),
      "aria-invalid": error ? true : undefined,
      "aria-describedby": describedBy(id, error, Boolean(hint)),
      "data-autofocus": autoFocus ? "" : undefined,
    },
    field: (control) => (
      <Field id={id} label={label} error={error} hint={hint}>
        {control}
      </Field>
    ),
  };
}

export function TextField({
  type = "text",
  autoComplete = "off",
  placeholder,
  optional,
  ...base
}: FieldBase & {
  type?: "text" | "password" | "url";
  autoComplete?: string;
  placeholder?: string;
  /** An empty box is sent as undefined (the schema's `.optional()`), not as "". */
  optional?: boolean;
}) {
  const { props, field } = useFormField(
    base,
    optional ? { setValueAs: (v: unknown) => (v === "" ? undefined : v) } : undefined,
  );
  return field(
    <input {...props} type={type} autoComplete={autoComplete} placeholder={placeholder} />,
  );
}

/** A number input: "" is sent as undefined (the schema then says it is required, or defaults it). */
export function NumberField({ min, max, ...base }: FieldBase & { min?: number; max?: number }) {
  const { props, field } = useFormField(base, {
    setValueAs: (value: unknown) =>
      typeof value === "number" ? value : numberOrUndefined(String(value ?? "")),
  });
  return field(<input {...props} type="number" inputMode="numeric" min={min} max={max} />);
}

export function SelectField({
  options,
  setValueAs,
  ...base
}: FieldBase & {
  options: readonly { value: string; label: string }[];
  /** Maps the chosen value onto the schema's type (e.g. one project id → `[id]`). */
  setValueAs?: (value: string) => unknown;
}) {
  const { props, field } = useFormField(
    base,
    setValueAs ? { setValueAs: (v: unknown) => setValueAs(String(v ?? "")) } : undefined,
  );
  return field(
    <select {...props}>
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>,
  );
}
