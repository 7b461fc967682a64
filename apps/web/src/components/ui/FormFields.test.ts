import { describe, expect, it } from "vitest";
import { withPrompt } from "./FormFields";

describe("a required choice's options", () => {
  it("start with an empty option that says the choices load, then asks to pick one", () => {
    expect(withPrompt(null, "Select a zone…", "Loading zones…")).toEqual([
      { value: "", label: "Loading zones…" },
    ]);
    expect(
      withPrompt([{ value: "z1", label: "east" }], "Select a zone…", "Loading zones…"),
    ).toEqual([
      { value: "", label: "Select a zone…" },
      { value: "z1", label: "east" },
    ]);
  });
});
