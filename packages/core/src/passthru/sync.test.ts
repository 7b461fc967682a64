import type { Db } from "@virtfn/db";
import { describe, expect, it } from "vitest";
import { syncPciDevices } from "./sync";

/** A database that fails any use: the sync must not even read. */
const untouchable = new Proxy({} as Db, {
  get: () => {
    throw new Error("the database must not be touched");
  },
});

describe("syncPciDevices", () => {
  it("changes nothing for an agent that does not report devices (older than passthrough)", async () => {
    await expect(syncPciDevices(untouchable, "host-1", null)).resolves.toBeUndefined();
    await expect(syncPciDevices(untouchable, "host-1", undefined)).resolves.toBeUndefined();
  });

  it("reads the recorded devices for an agent that reports none", async () => {
    await expect(syncPciDevices(untouchable, "host-1", [])).rejects.toThrow("must not be touched");
  });
});
