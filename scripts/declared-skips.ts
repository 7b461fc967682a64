// Tests that may be skipped, by full title (vitest: "describe title it title"; Playwright:
// "file > describe > test"), each with the reason. `npm test` fails on any other skipped test, so a
// forgotten `.skip` or a `skipIf` that is suddenly true cannot pass CI in silence.
export const DECLARED_SKIP_REASONS: Record<string, string> = {
  // .ci/run installs pgbouncer (apt-get); a machine without it skips this test by name.
  "PgBouncer in transaction mode knows a URL through PgBouncer and LISTENs only on the direct one":
    "pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run installs it)",
  "PgBouncer in transaction mode runs hosts, splits and VM operations from the REST handler to a worker through it":
    "pgbouncer is not installed (apt-get install -y pgbouncer; .ci/run installs it)",
};

export const DECLARED_SKIPS: readonly string[] = Object.keys(DECLARED_SKIP_REASONS);
