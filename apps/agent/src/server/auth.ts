import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Constant-time bearer check. Both sides are hashed first so the comparison does not leak the
 * token's length either.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const presented = m?.[1];
  if (presented === undefined) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(token).digest();
  return timingSafeEqual(a, b);
}
