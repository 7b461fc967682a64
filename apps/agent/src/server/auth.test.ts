import { describe, expect, it } from "vitest";
import { bearerMatches } from "./auth";

describe("bearer token", () => {
  it("accepts only the exact token in a Bearer header", () => {
    expect(bearerMatches("Bearer s3cret-token", "s3cret-token")).toBe(true);
    expect(bearerMatches("bearer s3cret-token", "s3cret-token")).toBe(true);
    expect(bearerMatches("Bearer s3cret-token2", "s3cret-token")).toBe(false);
    expect(bearerMatches("Bearer s3cret", "s3cret-token")).toBe(false);
    expect(bearerMatches("Basic s3cret-token", "s3cret-token")).toBe(false);
    expect(bearerMatches(undefined, "s3cret-token")).toBe(false);
  });
});
