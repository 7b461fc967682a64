import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./paths";

/** Generates the Prisma client when it is missing or older than the schema. */
export function ensurePrismaClient(): void {
  const schema = path.join(repoRoot, "prisma", "schema.prisma");
  const generated = path.join(repoRoot, "packages", "db", "src", "generated", "prisma", "client.ts");
  if (existsSync(generated) && statSync(generated).mtimeMs >= statSync(schema).mtimeMs) return;
  const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules", "prisma", "build", "index.js"), "generate"], {
    cwd: repoRoot,
    // generate never connects; the adapter in prisma.config.ts only needs a syntactically valid URL.
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "postgresql://localhost/unused" },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`prisma generate failed:\n${result.stdout}\n${result.stderr}`);
}
