import { defineConfig } from "vitest/config";

// Used when running from apps/agent; from the repo root the root config (or defaults) apply,
// and the slow suites carry their own timeouts.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
