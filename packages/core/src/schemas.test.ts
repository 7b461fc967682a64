import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
// What a browser bundle may reach from "@virtfn/core/schemas".
const allowedPackages = new Set(["zod", "@virtfn/db/enums"]);
// Node's globals: a bundler polyfills them for the browser (Buffer alone is 24 kB gzipped).
const nodeGlobals = /\b(?:Buffer|process|global|__dirname|__filename)\s*[.[(]/;

/** Every runtime import reachable from `entry` (type-only imports vanish at build time). */
function runtimeImports(entry: string): {
  files: string[];
  packages: string[];
  nodeGlobalUsers: string[];
} {
  const files: string[] = [];
  const nodeGlobalUsers: string[] = [];
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift() as string;
    if (files.includes(file)) continue;
    files.push(file);
    const source = readFileSync(file, "utf8");
    const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    if (nodeGlobals.test(code)) nodeGlobalUsers.push(file);
    const pattern = /^(?:import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?"([^"]+)";/gms;
    for (const match of source.matchAll(pattern)) {
      const [, typeOnly, spec] = match;
      if (typeOnly || !spec) continue;
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), `${spec}.ts`));
      else packages.add(spec);
    }
  }
  return { files, packages: [...packages], nodeGlobalUsers };
}

describe("@virtfn/core/schemas", () => {
  it("reaches only zod, Prisma's enums and pure files, so client forms can import it", () => {
    const { files, packages } = runtimeImports(resolve(here, "schemas.ts"));
    expect(files.length).toBeGreaterThan(5);
    expect(packages.filter((p) => !allowedPackages.has(p))).toEqual([]);
  });

  it("uses no Node global, which the browser bundle would polyfill", () => {
    expect(runtimeImports(resolve(here, "schemas.ts")).nodeGlobalUsers).toEqual([]);
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

// The client components import these for labels and permissions on every page: not even zod
// (30 kB gzipped) may come with them.
describe.each(["operations/progress.ts", "shared/can.ts"])("@virtfn/core entry %s", (entry) => {
  it("reaches no package and no Node global", () => {
    const { packages, nodeGlobalUsers } = runtimeImports(resolve(here, entry));
    expect(packages).toEqual([]);
    expect(nodeGlobalUsers).toEqual([]);
  });
});
