import { promises as fs } from "node:fs";
import path from "node:path";
import type { z } from "zod";

/** Reads and validates a state file; null when it does not exist yet. */
export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
): Promise<z.output<S> | null> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if (typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT")
      return null;
    throw error;
  }
  return schema.parse(JSON.parse(text));
}

let tmpCounter = 0;

/** Write-then-rename, so a killed agent leaves either the old or the new state, never half a file. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  await fs.mkdir(path.dirname(file), { recursive: true });
  tmpCounter += 1;
  const tmp = `${file}.${process.pid}.${tmpCounter}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

/**
 * Serialises saves of one state file: each save snapshots the value when called, and saves land
 * in call order, so a slow earlier save can never overwrite a later one.
 */
export class JsonStore {
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  save(value: unknown): Promise<void> {
    const snapshot = structuredClone(value);
    const next = this.chain.then(() => writeJsonAtomic(this.file, snapshot));
    this.chain = next.catch(() => undefined);
    return next;
  }
}
