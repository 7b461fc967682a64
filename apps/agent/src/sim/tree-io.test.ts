import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeSysfsIo, type SysfsIo } from "../platform/io";
import { link, put } from "./tree";
import { SimTreeIo } from "./tree-io";

// The sim reads its tree with blocking calls (tree-io.ts); what it reads must be what the
// promise-based reader of /sys reads, errors and their errno codes included.
let root = "";
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "virtfn-tree-io-"));
  await put(root, "bus/pci/devices/0000:01:00.0/vendor", "0x8086");
  await link(root, "bus/pci/devices/0000:01:00.0/driver", "../../drivers/igb");
  // A link whose target is gone: it exists (lstat), as sysfs shows a stale physfn.
  await link(root, "bus/pci/devices/0000:01:00.0/physfn", "../0000:09:00.0");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function outcome(read: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await read() };
  } catch (error) {
    return { code: (error as { code?: unknown }).code };
  }
}

async function readAll(io: SysfsIo): Promise<unknown[]> {
  const dev = "bus/pci/devices/0000:01:00.0";
  return Promise.all([
    outcome(() => io.readFile(`${dev}/vendor`)),
    outcome(() => io.readFile(`${dev}/device`)),
    outcome(() => io.readFile(dev)),
    outcome(() => io.readLink(`${dev}/driver`)),
    outcome(() => io.readLink(`${dev}/vendor`)),
    outcome(async () => (await io.readDir(dev)).sort()),
    outcome(() => io.readDir(`${dev}/vendor`)),
    outcome(() => io.readDir("bus/pci/devices/0000:02:00.0")),
    outcome(() => io.exists(`${dev}/physfn`)),
    outcome(() => io.exists(`${dev}/vendor`)),
    outcome(() => io.exists(`${dev}/missing`)),
    outcome(() => io.readFile("../outside")),
  ]);
}

describe("the sim's tree reader", () => {
  it("answers every read as the promise-based /sys reader does, errno codes included", async () => {
    const expected = await readAll(new NodeSysfsIo(root));
    expect(expected[0]).toEqual({ value: "0x8086\n" });
    expect(expected[8]).toEqual({ value: true });
    expect(await readAll(new SimTreeIo(root))).toEqual(expected);
  });
});
