import { defineConfig } from "vitest/config";

export default defineConfig({
  // apps/web's tsconfig preserves JSX for Next.js; a unit test of a component needs it compiled.
  oxc: { jsx: { runtime: "automatic" } },
  // apps/web imports its own modules as `~/…` (its tsconfig's paths): a component's test needs them.
  resolve: { tsconfigPaths: true },
  test: {
    include: [
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "apps/web/e2e/**", "**/.next/**"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Stated rather than left to the default: \`.ci/run\` exports CI, and a focused test must fail it.
    allowOnly: !process.env.CI,
  },
});
