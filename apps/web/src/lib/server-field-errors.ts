import { errorData, errorMessage } from "./errors";

export interface ServerFieldErrors {
  /** First message per field path ("username", "ipRanges.0.cidr"), for the fields the form has. */
  fields: Record<string, string>;
  /** Whether something could not be put on a field (show the error above the buttons). */
  unplaced: boolean;
}

/**
 * Where a server error belongs in a form. Four sources, in order: a zod error's field paths
 * (tRPC's `data.fieldErrors`), a domain error's `details.fieldErrors`, a domain error that names
 * one field (`details.field`, e.g. ALREADY_EXISTS on "username"), and the form's own `domainField`
 * for codes that belong to a field without naming it (VNI_IN_USE → "vni"). `hasField` says which
 * paths the form shows; messages for other paths stay unplaced.
 */
export function serverFieldErrors(
  error: unknown,
  hasField: (path: string) => boolean,
  domainField?: DomainField,
): ServerFieldErrors {
  const data = errorData(error);
  const found: Record<string, string> = {};
  const add = (path: string, message: string | undefined) => {
    if (message && found[path] === undefined) found[path] = message;
  };
  for (const [path, messages] of Object.entries(data.fieldErrors ?? {})) add(path, messages[0]);
  const details = data.details ?? {};
  const detailErrors = details.fieldErrors;
  if (detailErrors && typeof detailErrors === "object") {
    for (const [path, value] of Object.entries(detailErrors as Record<string, unknown>)) {
      add(path, Array.isArray(value) ? String(value[0] ?? "") : String(value));
    }
  }
  // The form's own mapping first: it knows its fields better than a generic `details.field`.
  const ownField = data.domainCode ? domainField?.(data.domainCode, details) : undefined;
  if (ownField) add(ownField, errorMessage(error));
  else if (typeof details.field === "string") add(details.field, errorMessage(error));

  const fields: Record<string, string> = {};
  let unplaced = (data.formErrors?.length ?? 0) > 0;
  for (const [path, message] of Object.entries(found)) {
    // A path inside a field the form shows as one input ("projectIds.0") lands on that input.
    const target = hasField(path) ? path : path.split(".")[0];
    if (target !== undefined && hasField(target)) fields[target] ??= message;
    else unplaced = true;
  }
  if (Object.keys(found).length === 0) unplaced = true;
  return { fields, unplaced };
}

/** A form's `domainField` (see serverFieldErrors), as what each code or missing entity belongs to. */
export type DomainField = (code: string, details: Record<string, unknown>) => string | undefined;

/**
 * A form's `domainField` from two tables: the field of each domain code that belongs to one
 * without naming it, and for NOT_FOUND the field of each entity that can go missing.
 */
export function domainFields(
  byCode: Record<string, string>,
  notFoundByEntity: Record<string, string> = {},
): DomainField {
  const codes = new Map(Object.entries(byCode));
  const entities = new Map(Object.entries(notFoundByEntity));
  return (code, details) =>
    code === "NOT_FOUND" ? entities.get(String(details.entity)) : codes.get(code);
}
