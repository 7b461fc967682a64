// Messages are read by people: rule ids such as "(R12)" stay in the docs, tests and comments, and
// the API's stable codes name the refusal. A string in core's code that names a rule id is a
// message that would show one.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** Lines of code (not comments) with a quoted or templated string that names a rule id. */
function ruleIdsInStrings(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => !line.startsWith("//") && !line.startsWith("*") && !line.startsWith("/*"))
    .filter(({ line }) => /["`][^"`]*\(R\d+\)[^"`]*["`]/.test(line.replace(/\/\/.*$/, "")))
    .map(({ line, number }) => `${file.slice(here.length + 1)}:${number}: ${line}`);
}

describe("core's messages", () => {
  it("name no rule id such as (R9): the code names the refusal, the words explain it", () => {
    expect(sources(here).flatMap(ruleIdsInStrings)).toEqual([]);
  });
});
