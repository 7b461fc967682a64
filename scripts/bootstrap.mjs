#!/usr/bin/env node
// Plain Node on purpose: on a fresh clone nothing is installed yet, so this installs first and
// only then hands over to the TypeScript orchestration in scripts/<command>.ts.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runInOwnProcessGroup } from "./lib/own-process-group.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// `generate` only installs and generates: typecheck and lint need the Prisma client too.
const entries = {
  start: "scripts/start.ts",
  test: "scripts/test.ts",
  bench: "bench/run.ts",
  "agent-sim": "scripts/agent-sim.ts",
  migrate: "scripts/migrate.ts",
  generate: null,
};
// The "up after N s" of `npm start` counts from here, the install included.
process.env.VIRTFN_STARTED_AT ??= String(Date.now());
const command = process.argv[2];
if (!(command in entries)) {
  console.error(`usage: node scripts/bootstrap.mjs ${Object.keys(entries).join("|")}`);
  process.exit(2);
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const marker = path.join(root, "node_modules", ".package-lock.json");
const lock = path.join(root, "package-lock.json");
const stale =
  !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
if (stale) {
  console.log("Installing dependencies …");
  // `npm install`, not `npm ci`: npm 11.19 leaves other platforms' optional packages (turbo's
  // darwin/windows binaries) out of a lockfile written without registry URLs, and `npm ci` then
  // refuses it as out of sync. `npm install` honours the same lockfile and leaves it unchanged.
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

// The generated Prisma client is imported by everything that follows, so it must exist before
// any TypeScript entry point loads.
const schema = path.join(root, "prisma", "schema.prisma");
const generated = path.join(root, "packages", "db", "src", "generated", "prisma", "client.ts");
if (!existsSync(generated) || statSync(generated).mtimeMs < statSync(schema).mtimeMs) {
  console.log("Generating the Prisma client …");
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules", "prisma", "build", "index.js"), "generate"],
    {
      cwd: root,
      stdio: "inherit",
      // generate never connects; prisma.config.ts only needs a syntactically valid URL.
      env: {
        ...process.env,
        DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://localhost/unused",
      },
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (entries[command] === null) process.exit(0);

const tsx = path.join(root, "node_modules", ".bin", "tsx");
const entryArgs = [path.join(root, entries[command]), ...process.argv.slice(3)];
if (command === "start") {
  // npm start stops its processes in order on Ctrl-C: see runInOwnProcessGroup.
  process.exit(await runInOwnProcessGroup(tsx, entryArgs, { cwd: root, env: process.env }));
}
const result = spawnSync(tsx, entryArgs, { cwd: root, stdio: "inherit", env: process.env });
process.exit(result.status ?? 1);
