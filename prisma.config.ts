// Offline recipe from environment.md: Prisma 6.19 CLI with the WebAssembly schema engine and
// adapter-pg 7.x (6.19's adapter cannot read Postgres `name` columns during migrate).
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

function databaseUrl(): string {
  return process.env.DATABASE_URL ?? "postgresql://postgres:postgres@127.0.0.1:5432/virtfn";
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => new PrismaPg({ connectionString: databaseUrl() }),
});
