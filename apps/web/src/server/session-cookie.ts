// The session cookie: a random token whose SHA-256 is the Session row's key (see core/auth).
export const SESSION_COOKIE = "virtfn_session";

function isHttps(headers: Headers, url?: string): boolean {
  const forwarded = headers.get("x-forwarded-proto");
  if (forwarded) return forwarded.split(",")[0]?.trim() === "https";
  return url?.startsWith("https://") ?? false;
}

export function sessionCookie(
  token: string,
  expiresAt: Date,
  headers: Headers,
  url?: string,
): string {
  const parts = [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Expires=${expiresAt.toUTCString()}`,
  ];
  if (isHttps(headers, url)) parts.push("Secure");
  return parts.join("; ");
}

export function clearedSessionCookie(headers: Headers, url?: string): string {
  const parts = [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0"];
  if (isHttps(headers, url)) parts.push("Secure");
  return parts.join("; ");
}

export function readCookie(headers: Headers, name: string): string | undefined {
  const header = headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
