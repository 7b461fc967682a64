import { defineConfig } from "@playwright/test";

// The stack (Postgres, Redis, sim agents, worker, web) is started by scripts/test.ts, which sets
// VIRTFN_WEB_URL. This config never starts servers itself.
export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  outputDir: "test-results/artifacts",
  // scripts/test.ts passes PLAYWRIGHT_JSON_OUTPUT_NAME (an absolute path under the repo's
  // test-results/); a plain `npx playwright test` writes apps/web/test-results/e2e.json.
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "test-results/e2e.json" }],
  ],
  use: {
    baseURL: process.env.VIRTFN_WEB_URL ?? "http://127.0.0.1:3000",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--disable-background-networking", "--disable-component-update", "--no-first-run"],
    },
    video: "off",
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
});
