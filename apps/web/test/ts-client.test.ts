// The README's TypeScript client: types generated from the OpenAPI document (as served at
// /api/v1/openapi.json) with openapi-typescript, and the example compiled against them.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../src/server/rest/openapi";

const here = path.dirname(fileURLToPath(import.meta.url));
const webRoot = path.resolve(here, "..");

describe("the generated TypeScript client", () => {
  it("generates types from the OpenAPI document and compiles the example against them", async () => {
    const doc = openApiDocument();
    const ast = await openapiTS(doc as unknown as Parameters<typeof openapiTS>[0]);
    const dir = mkdtempSync(path.join(webRoot, ".ts-client-"));
    try {
      writeFileSync(path.join(dir, "virtfn-api.d.ts"), astToString(ast));
      copyFileSync(
        path.join(webRoot, "examples/ts-client/create-vm.ts"),
        path.join(dir, "create-vm.ts"),
      );
      writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            module: "ESNext",
            moduleResolution: "Bundler",
            strict: true,
            noEmit: true,
            skipLibCheck: true,
            types: ["node"],
            typeRoots: [path.resolve(webRoot, "../../node_modules/@types")],
          },
          files: ["create-vm.ts", "virtfn-api.d.ts"],
        }),
      );
      const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
      const result = spawnSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
      expect(result.stdout + result.stderr).toBe("");
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
