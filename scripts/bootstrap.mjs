#!/usr/bin/env node
// Plain Node on purpose: on a fresh clone nothing is installed yet, so this installs first and
// only then hands over to the TypeScript orchestration in scripts/<command>.ts.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const command = process.argv[2];
if (command !== "start" && command !== "test") {
  console.error("usage: node scripts/bootstrap.mjs start|test");
  process.exit(2);
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const marker = path.join(root, "node_modules", ".package-lock.json");
const lock = path.join(root, "package-lock.json");
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  console.log("Installing dependencies …");
  // `npm install`, not `npm ci`: npm 11.19 leaves other platforms' optional packages (turbo's
  // darwin/windows binaries) out of a lockfile written without registry URLs, and `npm ci` then
  // refuses it as out of sync. `npm install` honours the same lockfile and leaves it unchanged.
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

const tsx = path.join(root, "node_modules", ".bin", "tsx");
const result = spawnSync(tsx, [path.join(root, "scripts", `${command}.ts`), ...process.argv.slice(3)], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
