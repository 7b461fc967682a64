/**
 * An error as the server's formatter shapes it: a TRPCClientError in the browser, or the same
 * shape a server-rendered page passes down (trpc/server.tsx shownError). Read by its shape, so
 * that showing an error does not load the tRPC client.
 */
export interface ShownError {
  message: string;
  data?: ErrorData | null;
}

function isShownError(error: unknown): error is ShownError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { message?: unknown }).message === "string" &&
    typeof (error as { data?: unknown }).data === "object"
  );
}

/** What the server's error formatter puts in `error.data` (see server/trpc.ts). */
export interface ErrorData {
  code?: string;
  httpStatus?: number;
  requestId?: string | null;
  domainCode?: string | null;
  details?: Record<string, unknown> | null;
  fieldErrors?: Record<string, string[]> | null;
  formErrors?: string[] | null;
}

export function errorData(error: unknown): ErrorData {
  if (isShownError(error)) return error.data ?? {};
  return {};
}

export function errorMessage(error: unknown): string {
  if (isShownError(error)) {
    if (error.message.startsWith("Failed to fetch") || error.message.includes("NetworkError")) {
      return "The server cannot be reached. Check your connection and try again.";
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
