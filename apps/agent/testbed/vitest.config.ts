import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Only for the guest of the kernel test bed (run.sh): the suite here needs a real /sys.
export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../.."),
  cacheDir: path.join(os.tmpdir(), "vite-cache"),
  test: {
    include: ["apps/agent/testbed/**/*.test.ts"],
    // One fork: under TCG every worker costs seconds of startup.
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
