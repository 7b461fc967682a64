// Where to go after signing in: only a path on this origin. Browsers read `/\host`, `/\t/host`
// (tabs and newlines are stripped from URLs) and `//host` as another origin, and a path that
// decodes to one of those is no better, so anything but a plain absolute path is refused.
const BASE = "http://virtfn.invalid";

/** True when the text has a C0 control, DEL, or (with `spaces`) a space. */
function hasControl(text: string, spaces: boolean): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || (spaces && code === 0x20)) return true;
  }
  return false;
}

export function safeNext(next: unknown): string | null {
  if (typeof next !== "string" || next.length === 0 || next.length > 2048) return null;
  if (!next.startsWith("/")) return null;
  // Backslashes, controls (tab, CR, LF, NUL…) and spaces have no place in our own paths.
  if (next.includes("\\") || hasControl(next, true)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return null;
  }
  for (const candidate of [next, decoded]) {
    if (/^[/\\]{2}/.test(candidate)) return null;
    if (candidate.startsWith("/") && hasControl(candidate.slice(1, 2), true)) return null;
  }
  if (decoded.includes("\\") || hasControl(decoded, false)) return null;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  return url.pathname + url.search + url.hash;
}
