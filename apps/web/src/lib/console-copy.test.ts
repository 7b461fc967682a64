// What the console shows is read by people: rule ids such as "(R12)" stay in the docs, the API's
// descriptions, tests and comments (core's messages are held to the same by
// packages/core/src/messages.test.ts). A line of the console's code outside a comment that names
// a rule id, in a string or as JSX text, is copy that would show one.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const webSrc = join(dirname(fileURLToPath(import.meta.url)), "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const isComment = (line: string) => /^(\/\/|\*|\/\*|\{\/\*)/.test(line);

function ruleIdsInCopy(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => !isComment(line))
    .filter(({ line }) => /\(R\d+[,)]/.test(line.replace(/\/\/.*$/, "")))
    .map(({ line, number }) => `${file.slice(webSrc.length + 1)}:${number}: ${line}`);
}

describe("the console's copy", () => {
  it("names no rule id such as (R9) on its pages and parts", () => {
    const files = [...sources(join(webSrc, "app")), ...sources(join(webSrc, "components"))];
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(ruleIdsInCopy)).toEqual([]);
  });
});
