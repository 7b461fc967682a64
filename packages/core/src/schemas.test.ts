import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
// What a browser bundle may reach from "@virtfn/core/schemas".
const allowedPackages = new Set(["zod", "@virtfn/db/enums"]);

/** Every runtime import reachable from `entry` (type-only imports vanish at build time). */
function runtimeImports(entry: string): { files: string[]; packages: string[] } {
  const files: string[] = [];
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift() as string;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(file, "utf8");
    const pattern = /^(?:import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?"([^"]+)";/gms;
    for (const match of source.matchAll(pattern)) {
      const [, typeOnly, spec] = match;
      if (typeOnly || !spec) continue;
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), `${spec}.ts`));
      else packages.add(spec);
    }
  }
  return { files, packages: [...packages] };
}

describe("@virtfn/core/schemas", () => {
  it("reaches only zod, Prisma's enums and pure files, so client forms can import it", () => {
    const { files, packages } = runtimeImports(resolve(here, "schemas.ts"));
    expect(files.length).toBeGreaterThan(5);
    expect(packages.filter((p) => !allowedPackages.has(p))).toEqual([]);
  });

  it("exports the create inputs the console's forms use", async () => {
    const schemas = await import("@virtfn/core/schemas");
    for (const name of [
      "createUserInput",
      "createProjectInput",
      "createApiKeyInput",
      "createOfferingInput",
      "createEipInput",
      "createSecurityGroupInput",
      "createVxlanPoolInput",
      "createVmInput",
    ]) {
      expect(schemas, name).toHaveProperty(name);
    }
  });
});
