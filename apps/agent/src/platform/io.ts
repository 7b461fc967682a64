import { constants as fsConstants, promises as fs } from "node:fs";
import path from "node:path";

/**
 * File access for sysfs and procfs. Paths are relative to the tree's root ("class/net/em1/address")
 * so the same code reads /sys on a host and a fake tree in tests and in the sim.
 * Failures are errors with an errno `code` (ENOENT, ERANGE, EBUSY…), exactly as the kernel reports.
 */
export interface SysfsIo {
  readonly root: string;
  readFile(rel: string): Promise<string>;
  writeFile(rel: string, data: string): Promise<void>;
  readLink(rel: string): Promise<string>;
  readDir(rel: string): Promise<string[]>;
  exists(rel: string): Promise<boolean>;
}

export class NodeSysfsIo implements SysfsIo {
  constructor(readonly root: string) {}

  resolve(rel: string): string {
    const full = path.resolve(this.root, rel);
    // Paths come from sysfs link targets and request parameters; never leave the tree.
    if (full !== this.root && !full.startsWith(`${path.resolve(this.root)}${path.sep}`)) {
      throw Object.assign(new Error(`path escapes ${this.root}: ${rel}`), { code: "EACCES" });
    }
    return full;
  }

  readFile(rel: string): Promise<string> {
    return fs.readFile(this.resolve(rel), "utf8");
  }

  writeFile(rel: string, data: string): Promise<void> {
    // sysfs attributes take one write. Write-only: kernfs refuses a read-write open of an
    // attribute that cannot be read (bind, unbind) with EACCES, even for root, as the kernel
    // test bed showed. No O_CREAT or O_TRUNC: an attribute exists or the write is ENOENT.
    return writeExisting(this.resolve(rel), data);
  }

  readLink(rel: string): Promise<string> {
    return fs.readlink(this.resolve(rel));
  }

  readDir(rel: string): Promise<string[]> {
    return fs.readdir(this.resolve(rel));
  }

  async exists(rel: string): Promise<boolean> {
    try {
      await fs.lstat(this.resolve(rel));
      return true;
    } catch {
      return false;
    }
  }
}

async function writeExisting(file: string, data: string): Promise<void> {
  const handle = await fs.open(file, fsConstants.O_WRONLY);
  try {
    await handle.write(data);
  } finally {
    await handle.close();
  }
}

export function errnoOf(error: unknown): string | undefined {
  if (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "string"
  ) {
    return error.code;
  }
  return undefined;
}

export async function readTrimmed(io: SysfsIo, rel: string): Promise<string | null> {
  try {
    return (await io.readFile(rel)).trim();
  } catch {
    return null;
  }
}

export async function readDirOrEmpty(io: SysfsIo, rel: string): Promise<string[]> {
  try {
    return await io.readDir(rel);
  } catch {
    return [];
  }
}

/** The last path segment of a link target, which is how sysfs names drivers and devices. */
export async function linkBasename(io: SysfsIo, rel: string): Promise<string | null> {
  try {
    return path.posix.basename(await io.readLink(rel));
  } catch {
    return null;
  }
}
