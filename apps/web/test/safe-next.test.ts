// After signing in, the console goes to `next` only when it is a path on this origin.
import { describe, expect, it } from "vitest";
import { safeNext } from "../src/lib/safe-next";

describe("safeNext", () => {
  it("keeps plain same-origin paths, with their query and hash", () => {
    expect(safeNext("/vms")).toBe("/vms");
    expect(safeNext("/vms/1?tab=nics#x")).toBe("/vms/1?tab=nics#x");
    expect(safeNext("/networks/l2%20x")).toBe("/networks/l2%20x");
  });

  it("refuses every way of naming another origin", () => {
    const hostile = [
      "/\\127.0.0.1:7591/x",
      "/\\evil.example",
      "/\t/evil.example/x",
      "/\n/evil.example",
      "//evil.example",
      "///evil.example",
      "/%2F/evil.example",
      "/%2f%2fevil.example",
      "/%5Cevil.example",
      "/%5C%5Cevil.example",
      "/%09/evil.example",
      "\\\\evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
      "/%E0%A4%A",
      "/a\u0000b",
    ];
    for (const next of hostile) expect(safeNext(next), JSON.stringify(next)).toBeNull();
    expect(safeNext(undefined)).toBeNull();
    expect(safeNext(["/vms"])).toBeNull();
  });
});
