// Errors as shown to the user. What ErrorBox needs (on every page) lives in shown-error.ts: the
// bundler keeps a module whole, and the field helpers below are for forms.
import { errorData } from "./shown-error";

export { errorData, errorMessage, type ErrorData, type ShownError } from "./shown-error";

/** First message per field, keyed by the top-level field name. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, messages] of Object.entries(errorData(error).fieldErrors ?? {})) {
    const key = path.split(".")[0] ?? path;
    if (!out[key] && messages[0]) out[key] = messages[0];
  }
  return out;
}

export function isUnauthorized(error: unknown): boolean {
  return errorData(error).code === "UNAUTHORIZED";
}

/** First message per full field path ("ipRanges.0.cidr", "dns.1"), for forms with nested fields. */
export function fieldErrorsByPath(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, messages] of Object.entries(errorData(error).fieldErrors ?? {})) {
    if (messages[0]) out[path] = messages[0];
  }
  return out;
}

export function domainCode(error: unknown): string | null {
  return errorData(error).domainCode ?? null;
}
