// The REST layer's input boundary: every path segment, query parameter, header and body value is
// checked here before anything decodes it twice or hands it to a procedure (and so to Postgres).
// A refusal is a RestProblem: an HTTP status with the `{ code, message, details }` body.
import { ErrorCode } from "@virtfn/core";

export const MAX_BODY_BYTES = 1024 * 1024;
/** Node's own limit is 16 KiB; the handler enforces it too, so a raised limit still answers JSON. */
export const MAX_HEADER_BYTES = 16 * 1024;
const MAX_DEPTH = 32;
const MAX_STRING = 64 * 1024;
const MAX_QUERY_VALUE = 4096;
const MAX_SEGMENT = 1024;

export interface RestProblem {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export class BoundaryError extends Error {
  constructor(readonly problem: RestProblem) {
    super(problem.message);
  }
}

function invalid(field: string, message: string, status = 400): BoundaryError {
  return new BoundaryError({
    status,
    code: ErrorCode.VALIDATION_FAILED,
    message: `${field}: ${message}`,
    details: { fieldErrors: { [field]: [message] }, formErrors: [] },
  });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text (NUL, a lone surrogate), or null when it can. */
export function textProblem(value: string): string | null {
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode (no lone surrogates)";
  return null;
}

function checkText(field: string, value: string, max: number): void {
  const problem = textProblem(value);
  if (problem) throw invalid(field, problem);
  if (value.length > max) throw invalid(field, `at most ${max} characters`);
}

/** decodeURIComponent that refuses malformed escapes instead of throwing a URIError. */
function decode(field: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw invalid(field, "malformed percent-encoding");
  }
}

/** The path below /api/v1, from the raw URL (never the framework's already-decoded params). */
export function pathSegments(rawPathname: string, prefix: string): string[] {
  const rest = rawPathname.startsWith(prefix) ? rawPathname.slice(prefix.length) : rawPathname;
  return rest
    .split("/")
    .filter(Boolean)
    .map((raw) => {
      const value = decode("path", raw);
      checkText("path", value, MAX_SEGMENT);
      return value;
    });
}

/** The query string, decoded once, with every name and value checked. */
export function queryParams(rawSearch: string): URLSearchParams {
  const params = new URLSearchParams();
  const search = rawSearch.startsWith("?") ? rawSearch.slice(1) : rawSearch;
  for (const pair of search.split("&")) {
    if (pair === "") continue;
    const at = pair.indexOf("=");
    const rawName = at < 0 ? pair : pair.slice(0, at);
    const rawValue = at < 0 ? "" : pair.slice(at + 1);
    const name = decode("query", rawName.replaceAll("+", " "));
    checkText("query", name, 128);
    const value = decode(name, rawValue.replaceAll("+", " "));
    checkText(name, value, MAX_QUERY_VALUE);
    params.append(name, value);
  }
  return params;
}

/**
 * A parsed JSON body: strings (keys too) storable as text, numbers finite and integers exact,
 * nesting bounded. Path is the dotted field path for the error.
 */
export function checkJson(value: unknown, path = "body", depth = 0): void {
  if (depth > MAX_DEPTH) throw invalid(path, `nested deeper than ${MAX_DEPTH} levels`);
  if (typeof value === "string") return checkText(path, value, MAX_STRING);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw invalid(path, "must be a finite number");
    if (Number.isInteger(value) && !Number.isSafeInteger(value))
      throw invalid(path, "is out of range");
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkJson(item, `${path}.${i}`, depth + 1));
    return;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      checkText(path, key, 256);
      checkJson(item, path === "body" ? key : `${path}.${key}`, depth + 1);
    }
  }
}

/** Refuses oversized header sets and a request id that cannot be echoed back safely. */
export function checkHeaders(headers: Headers): void {
  let size = 0;
  headers.forEach((value, name) => {
    size += name.length + value.length + 4;
  });
  if (size > MAX_HEADER_BYTES) {
    throw new BoundaryError({
      status: 431,
      code: "HEADERS_TOO_LARGE",
      message: `The request headers exceed ${MAX_HEADER_BYTES} bytes.`,
      details: { limit: MAX_HEADER_BYTES },
    });
  }
  const requestId = headers.get("x-request-id");
  if (requestId !== null && !/^[\w.:@-]{1,128}$/.test(requestId)) {
    throw invalid("X-Request-Id", "1 to 128 letters, digits or . _ : @ -");
  }
}

/** The body as a JSON object (or {} when empty), within the size limit and of JSON type. */
export async function readJsonBody(request: Request): Promise<Record<string, unknown>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  const text = await readCapped(request);
  if (text.trim() === "") return {};
  const type = request.headers.get("content-type");
  if (type !== null && !/^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type.trim())) {
    throw new BoundaryError({
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
      message: "Send the body as application/json.",
      details: { contentType: type.slice(0, 100) },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BoundaryError({
      status: 400,
      code: ErrorCode.VALIDATION_FAILED,
      message: "The body is not valid JSON.",
      details: { fieldErrors: {}, formErrors: ["The body is not valid JSON."] },
    });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new BoundaryError({
      status: 400,
      code: ErrorCode.VALIDATION_FAILED,
      message: "The body must be a JSON object.",
      details: { fieldErrors: {}, formErrors: ["The body must be a JSON object."] },
    });
  }
  checkJson(parsed);
  return parsed as Record<string, unknown>;
}

function tooLarge(): BoundaryError {
  return new BoundaryError({
    status: 413,
    code: "PAYLOAD_TOO_LARGE",
    message: `The body exceeds ${MAX_BODY_BYTES} bytes.`,
    details: { limit: MAX_BODY_BYTES },
  });
}

/** Reads the body as UTF-8 text, stopping (413) past the limit; invalid UTF-8 is a 400. */
async function readCapped(request: Request): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw invalid("body", "must be UTF-8");
  }
}

/** Strict bodies: a field the endpoint does not take is refused (400), not ignored. */
export function refuseUnknownFields(unknown: string[]): void {
  if (unknown.length === 0) return;
  throw new BoundaryError({
    status: 400,
    code: ErrorCode.VALIDATION_FAILED,
    message: `Unknown field${unknown.length > 1 ? "s" : ""}: ${unknown.slice(0, 10).join(", ")}.`,
    details: {
      fieldErrors: Object.fromEntries(unknown.slice(0, 50).map((f) => [f, ["Unknown field"]])),
      formErrors: [],
    },
  });
}
