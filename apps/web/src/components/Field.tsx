"use client";

/** A labelled form field with an optional hint and an inline error, wired for screen readers. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <div className={`field ${error ? "field-invalid" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

/** A field's hint and its error under it, with the ids its control's aria-describedby names. */
function FieldNotes({
  id,
  hint,
  error,
}: {
  id: string;
  hint?: React.ReactNode;
  error?: string | undefined;
}) {
  return (
    <>
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}

export function describedBy(
  id: string,
  error: string | undefined,
  hint?: boolean,
): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/**
 * A checkbox that may be unavailable: when `disabledReason` is set it is greyed out and the reason
 * sits right next to it (domain.md: "a greyed-out checkbox with the reason").
 */
export function CheckboxField({
  id,
  label,
  checked,
  onChange,
  disabledReason,
  hint,
  error,
  name,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabledReason?: string | null | undefined;
  hint?: React.ReactNode;
  error?: string | undefined;
  name?: string;
}) {
  const disabled = Boolean(disabledReason);
  // The reason replaces the hint while the box is unavailable, so only what is shown is named.
  const shownHint = disabled ? undefined : hint;
  const describedIds = [
    disabled ? `${id}-why` : null,
    describedBy(id, error, Boolean(shownHint)),
  ].filter(Boolean);
  return (
    <div
      className={`field checkbox-field ${disabled ? "checkbox-disabled" : ""} ${error ? "field-invalid" : ""}`}
    >
      <label>
        <input
          id={id}
          type="checkbox"
          name={name}
          checked={checked && !disabled}
          disabled={disabled}
          onChange={(event) => onChange(event.target.checked)}
          aria-describedby={describedIds.length ? describedIds.join(" ") : undefined}
          aria-invalid={error ? true : undefined}
        />
        {label}
      </label>
      {disabled ? (
        <p className="hint disabled-reason" id={`${id}-why`} data-testid={`${name ?? id}-reason`}>
          {disabledReason}
        </p>
      ) : null}
      <FieldNotes id={id} hint={shownHint} error={error} />
    </div>
  );
}

/** "" → undefined (the server then says it is missing); anything else → a number (NaN if not one). */
export function numberOrUndefined(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === "" ? undefined : Number(trimmed);
}
