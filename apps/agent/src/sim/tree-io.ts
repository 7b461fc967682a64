import { lstatSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { NodeSysfsIo } from "../platform/io";

/**
 * The sim's own tree (a few hundred small files in its state dir, always in the page cache), read
 * with the blocking calls. A read there takes microseconds; through fs.promises each one is an
 * open, a stat, a read and a close handed to libuv's thread pool and back, about fifty times
 * that, and a snapshot makes a few hundred. Same answers and errno codes as NodeSysfsIo, which the
 * Linux backend keeps for /sys (a real attribute's read can wait on a driver: never block there).
 * Writes stay NodeSysfsIo's: they are few, and the sim's own kernel code orders them.
 */
export class SimTreeIo extends NodeSysfsIo {
  override readFile(rel: string): Promise<string> {
    return settled(() => readFileSync(this.resolve(rel), "utf8"));
  }

  override readLink(rel: string): Promise<string> {
    return settled(() => readlinkSync(this.resolve(rel)));
  }

  override readDir(rel: string): Promise<string[]> {
    return settled(() => readdirSync(this.resolve(rel)));
  }

  override exists(rel: string): Promise<boolean> {
    return settled(() => lstatSync(this.resolve(rel), { throwIfNoEntry: false }) !== undefined);
  }
}

/** A thrown read becomes a rejection, as the promise API's would be. */
function settled<T>(read: () => T): Promise<T> {
  try {
    return Promise.resolve(read());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}
