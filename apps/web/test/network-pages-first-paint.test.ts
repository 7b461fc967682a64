// Issue 15: the network pages (L2 and L3 lists and pages, VXLAN pools, EIPs, security groups) are
// rendered on the server, and their client code loads no data layer (react-query and the tRPC
// client, ~20 kB gzipped) on first paint: actions load the tRPC client when first used, dialogs
// with their own queries bring the data layer when they open. esbuild follows the static imports
// of each page's client component; dynamic imports (the lazy dialogs, the tRPC client) load later.
import { build, type Metafile } from "esbuild";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const consoleDir = join(webDir, "src/app/(console)");

/** Each server-rendered page and the client component it renders. */
const pages: Record<string, string> = {
  "networks/l2/page.tsx": "networks/l2/L2ListPage.tsx",
  "networks/l2/[id]/page.tsx": "networks/l2/[id]/L2DetailPage.tsx",
  "networks/l3/page.tsx": "networks/l3/L3ListPage.tsx",
  "networks/l3/[id]/page.tsx": "networks/l3/[id]/L3DetailPage.tsx",
  "networks/vxlan-pools/page.tsx": "networks/vxlan-pools/VxlanPoolsPage.tsx",
  "eips/page.tsx": "eips/EipsPage.tsx",
  "security-groups/page.tsx": "security-groups/SecurityGroupsPage.tsx",
};

const dataLayer = ["@tanstack/react-query", "@trpc/client", "@trpc/tanstack-react-query"];

/** The packages a module reaches by static imports, each with the first file that imports it. */
async function staticPackages(entry: string): Promise<Map<string, string>> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    packages: "external",
    format: "esm",
    jsx: "automatic",
    loader: { ".css": "empty", ".module.css": "empty" },
    outdir: "out", // never written (write: false); esbuild wants one for CSS imports
    tsconfig: join(webDir, "tsconfig.json"),
    logLevel: "silent",
  });
  const inputs: Metafile["inputs"] = metafile.inputs;
  const reached = new Map<string, string>();
  const start = relative(process.cwd(), entry);
  const queue = [Object.keys(inputs).find((key) => resolve(key) === resolve(start)) ?? start];
  const seen = new Set(queue);
  while (queue.length) {
    const file = queue.shift() as string;
    for (const edge of inputs[file]?.imports ?? []) {
      if (edge.kind !== "import-statement") continue;
      if (edge.external) {
        if (!reached.has(edge.path)) reached.set(edge.path, file);
      } else if (!seen.has(edge.path)) {
        seen.add(edge.path);
        queue.push(edge.path);
      }
    }
  }
  return reached;
}

describe("the network pages' first paint", () => {
  it.each(Object.entries(pages))("%s renders %s without the data layer", async (page, client) => {
    const pageSource = readFileSync(join(consoleDir, page), "utf8");
    expect(pageSource).not.toMatch(/TRPCReactProvider|~\/trpc\/react/);
    expect(pageSource).toContain(client.split("/").at(-1)?.replace(".tsx", ""));
    const reached = await staticPackages(join(consoleDir, client));
    // The walk saw the component's own imports (React, Next), so an empty answer is not a miss.
    expect(reached.has("react") || reached.has("react/jsx-runtime")).toBe(true);
    const found = dataLayer
      .filter((lib) => reached.has(lib))
      .map((lib) => `${lib} (imported by ${reached.get(lib)})`);
    expect(found).toEqual([]);
  });
});
