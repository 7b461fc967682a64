// The error codes a client can get from /api/v1, for the OpenAPI document: every code core raises
// (ErrorCode) and the few the REST layer answers on its own, before any procedure runs.
import { ErrorCode } from "@virtfn/core";

/** Codes only the REST layer answers, with what each means. */
export const REST_ERROR_CODES = {
  ROUTE_NOT_FOUND:
    "404: no endpoint has this path (unlike NOT_FOUND: no such resource, or not yours).",
  METHOD_NOT_ALLOWED: "405: the path exists for other methods; see the Allow header.",
  HEADERS_TOO_LARGE: "431: the request headers are too large.",
  UNSUPPORTED_MEDIA_TYPE: "415: send the body as application/json.",
  PAYLOAD_TOO_LARGE: "413: the body is larger than 1 MiB.",
  INTERNAL: "500: unexpected; `details.requestId` identifies the logged error.",
} as const;

export type RestErrorCode = keyof typeof REST_ERROR_CODES;

/** Every code an /api/v1 error body can carry. */
export function documentedErrorCodes(): string[] {
  return [...new Set([...Object.values(ErrorCode), ...Object.keys(REST_ERROR_CODES)])].sort();
}
