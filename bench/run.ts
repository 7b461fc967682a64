// `npm run bench` runs every benchmark in bench/*.ts one after another; `npm run bench -- NAME`
// runs bench/NAME.ts alone. Each benchmark is a standalone script with its own database
// (bench/lib/services.ts) and prints its figures; none pass or fail on time.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(benchDir)
  .filter((file) => file.endsWith(".ts") && file !== "run.ts")
  .map((file) => file.replace(/\.ts$/, ""))
  .sort();
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(", ")}; available: ${available.join(", ")}`);
  process.exit(2);
}
const tsx = path.join(benchDir, "..", "node_modules", ".bin", "tsx");
let failed = 0;
for (const name of requested.length > 0 ? requested : available) {
  console.log(`\n== bench ${name} ==`);
  const result = spawnSync(tsx, [path.join(benchDir, `${name}.ts`)], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
