import type { Verdict } from "../vms/rules";
import { DomainError } from "./errors";

export type { Verdict };

export const ALLOWED: Verdict = { allowed: true, reason: null, code: null };

/**
 * A page's verdict from the very check a command runs: the check throws the command's
 * DomainError, and its code and message become the reason the button is greyed out with. So a
 * rule is written once and the UI can never say "allowed" to what the command then refuses.
 */
export function verdictOf(check: () => void): Verdict {
  try {
    check();
    return ALLOWED;
  } catch (error) {
    if (error instanceof DomainError)
      return { allowed: false, reason: error.message, code: error.code };
    throw error;
  }
}
