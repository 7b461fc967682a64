// Offline recipe from environment.md: Prisma 6.19 CLI with the WebAssembly schema engine and
// adapter-pg 7.x (6.19's adapter cannot read Postgres `name` columns during migrate).
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

function databaseUrl(): string {
  return process.env.DATABASE_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/virtfn";
}

/**
 * adapter-pg 7.10's `executeScript` (what `migrate deploy` applies each migration.sql with) runs
 * `script.split(";")` statement by statement, which cuts every dollar-quoted function body apart.
 * This sends the whole script as one simple-protocol query instead, as Prisma's native schema
 * engine does: Postgres parses it itself, and runs it as one implicit transaction. `executeRaw`
 * with no arguments and no statement name takes pg's simple protocol and maps errors the same way.
 */
class PrismaPgWholeScripts extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    adapter.executeScript = async (script: string) => {
      await adapter.executeRaw({ sql: script, args: [], argTypes: [] });
    };
    return adapter;
  }
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => new PrismaPgWholeScripts({ connectionString: databaseUrl() }),
});
