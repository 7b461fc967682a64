"use client";

import { useEffect, useId, type ReactNode } from "react";
import { get, useFormContext, useWatch, type RegisterOptions } from "react-hook-form";
import { CheckboxField, describedBy, Field } from "~/components/Field";
import { numberOrUndefined } from "~/components/Field";
import { Options, type SelectOption } from "./Options";

interface FieldBase {
  name: string;
  label: string;
  hint?: ReactNode;
  autoFocus?: boolean;
}

/** The message of an error node, or of the first error inside it ("dns.1" for a "dns" field). */
function firstMessage(node: unknown): string | undefined {
  if (!node || typeof node !== "object") return undefined;
  const { message } = node as { message?: unknown };
  if (typeof message === "string" && message) return message;
  for (const [key, child] of Object.entries(node)) {
    if (key === "ref") continue;
    const found = firstMessage(child);
    if (found) return found;
  }
  return undefined;
}

/** The error message of a field (or of anything inside it), read from the form in context. */
export function useFieldError(name: string): string | undefined {
  const form = useFormContext();
  return firstMessage(get(form.formState.errors, name));
}

/** The registered field's error message and wiring, shared by the inputs below. */
function useFormField(name: string, hint: ReactNode, options?: RegisterOptions) {
  const id = useId();
  const form = useFormContext();
  const error = useFieldError(name);
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
  code,
}: FieldBase & {
  type?: "text" | "password" | "url";
  autoComplete?: string;
  placeholder?: string;
  /** An identifier or an address (em1, 10.0.0.1): no spell checking. */
  code?: boolean;
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
        spellCheck={code ? false : undefined}
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
  placeholder,
}: FieldBase & { min?: number; max?: number; placeholder?: string }) {
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
        placeholder={placeholder}
        data-autofocus={autoFocus ? "" : undefined}
      />
    </Field>
  );
}

/**
 * A required choice's options: first an empty one that asks to pick, or says the choices still
 * load (`choices` null), so the form cannot be sent before one is picked.
 */
export function withPrompt(
  choices: readonly SelectOption[] | null,
  prompt: string,
  loading: string,
): SelectOption[] {
  return [{ value: "", label: choices ? prompt : loading }, ...(choices ?? [])];
}

export function SelectField({
  name,
  label,
  hint,
  autoFocus,
  options,
  setValueAs,
  onChange,
}: FieldBase & {
  options: readonly SelectOption[];
  /** Maps the chosen value onto the schema's type (e.g. one project id → `[id]`). */
  setValueAs?: (value: string) => unknown;
  /** After the form took the new value (to clear fields that depend on this one). */
  onChange?: (value: string) => void;
}) {
  const { id, error, props } = useFormField(name, hint, {
    ...(setValueAs ? { setValueAs: (v: unknown) => setValueAs(String(v ?? "")) } : {}),
    ...(onChange
      ? {
          onChange: (event: { target: { value: unknown } }) => onChange(String(event.target.value)),
        }
      : {}),
  });
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <select {...props} data-autofocus={autoFocus ? "" : undefined}>
        <Options options={options} />
      </select>
    </Field>
  );
}

/**
 * The form's boolean field as a checkbox that may be unavailable: with `disabledReason` it is
 * greyed out and unticked, with the reason right next to it (components/Field's CheckboxField).
 */
export function CheckField({
  name,
  label,
  hint,
  disabledReason,
}: FieldBase & { disabledReason?: string | null | undefined }) {
  const id = useId();
  const { setValue } = useFormContext();
  const checked = useWatch({ name }) === true;
  const error = useFieldError(name);
  const disabled = Boolean(disabledReason);
  // An unavailable choice is not sent as made.
  useEffect(() => {
    if (disabled) setValue(name, false);
  }, [disabled, name, setValue]);
  return (
    <CheckboxField
      id={id}
      name={name}
      label={label}
      checked={checked}
      onChange={(value) => setValue(name, value, { shouldDirty: true, shouldValidate: false })}
      disabledReason={disabledReason}
      hint={hint}
      error={error}
    />
  );
}

/** Several checkboxes for one array field (the ids ticked), as a fieldset with a legend. */
export function CheckListField({
  name,
  label,
  hint,
  options,
  empty,
}: FieldBase & {
  options: readonly { value: string; label: string; sub?: string }[];
  /** Said instead of the list when there is nothing to pick. */
  empty: ReactNode;
}) {
  const id = useId();
  const form = useFormContext();
  const error = useFieldError(name);
  return (
    <fieldset
      className={`field fieldset span-all ${error ? "field-invalid" : ""}`}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{label}</legend>
      {options.length === 0 ? (
        <p className="hint">{empty}</p>
      ) : (
        <div className="check-list">
          {options.map((option) => (
            <label key={option.value}>
              <input type="checkbox" value={option.value} {...form.register(name)} />
              {option.label}
              {option.sub ? <span className="sub-inline"> {option.sub}</span> : null}
            </label>
          ))}
        </div>
      )}
      {hint ? <p className="hint">{hint}</p> : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
