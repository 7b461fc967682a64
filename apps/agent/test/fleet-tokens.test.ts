// Per-host agent tokens: a fleet's hosts each accept their own token and refuse their neighbours'.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimFleet, type SimFleet } from "../src/index";

let fleet: SimFleet;
let dir: string;
const tokens = { one: "token-of-host-one-0123456789", two: "token-of-host-two-0123456789" };

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "fleet-tokens-"));
  fleet = await startSimFleet({
    baseDir: dir,
    token: "shared-fallback-token-0123456789",
    hosts: [
      { name: "one", port: 0, profile: "kvm-i350-82599", token: tokens.one },
      { name: "two", port: 0, profile: "kvm-i350-82599", token: tokens.two },
    ],
  });
});
afterAll(async () => {
  await fleet?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function statusWith(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/v1/facts`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await response.text();
  return response.status;
}

describe("a sim fleet with per-host tokens", () => {
  it("accepts each host's own token and refuses the others'", async () => {
    const [one, two] = ["one", "two"].map((name) => fleet.agents.find((a) => a.name === name));
    if (!one || !two) throw new Error("both agents should run");
    expect(await statusWith(one.url, tokens.one)).toBe(200);
    expect(await statusWith(two.url, tokens.two)).toBe(200);
    expect(await statusWith(one.url, tokens.two)).toBe(401);
    expect(await statusWith(two.url, tokens.one)).toBe(401);
    expect(await statusWith(one.url, "shared-fallback-token-0123456789")).toBe(401);
  });
});
