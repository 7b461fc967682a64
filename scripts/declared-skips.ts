// Tests that may be skipped, by full title (vitest: "describe title it title"; Playwright:
// "file > describe > test"), each with the reason. `npm test` fails on any other skipped test, so a
// forgotten `.skip` or a `skipIf` that is suddenly true cannot pass CI in silence.
export const DECLARED_SKIP_REASONS: Record<string, string> = {};

export const DECLARED_SKIPS: readonly string[] = Object.keys(DECLARED_SKIP_REASONS);
