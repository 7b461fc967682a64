import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import type { ErrorData } from "./errors";
import { domainFields, serverFieldErrors } from "./server-field-errors";

/** A client error carrying what the server's error formatter sends (server/trpc.ts). */
function serverError(message: string, data: ErrorData) {
  return new TRPCClientError(message, {
    result: { error: { message, code: -32600, data } },
  } as unknown as ConstructorParameters<typeof TRPCClientError>[1]);
}

const form = new Set(["username", "password", "projectIds", "ipRanges.0.cidr"]);
const hasField = (path: string) => form.has(path);

describe("serverFieldErrors", () => {
  it("puts a zod error's paths on the form's fields, nested paths on their field", () => {
    const error = serverError("username: Too short", {
      domainCode: "VALIDATION_FAILED",
      fieldErrors: {
        username: ["At least 2 characters"],
        "projectIds.0": ["Invalid UUID"],
        "ipRanges.0.cidr": ["Not a CIDR"],
      },
      formErrors: [],
    });
    expect(serverFieldErrors(error, hasField)).toEqual({
      fields: {
        username: "At least 2 characters",
        projectIds: "Invalid UUID",
        "ipRanges.0.cidr": "Not a CIDR",
      },
      unplaced: false,
    });
  });

  it("puts a domain error that names a field on that field", () => {
    const error = serverError('A user with username "ada" already exists.', {
      domainCode: "ALREADY_EXISTS",
      details: { entity: "user", field: "username", value: "ada" },
    });
    expect(serverFieldErrors(error, hasField)).toEqual({
      fields: { username: 'A user with username "ada" already exists.' },
      unplaced: false,
    });
  });

  it("puts a domain error on the field the form maps its code to, before details.field", () => {
    const error = serverError('A host with agent URL "http://a" already exists.', {
      domainCode: "ALREADY_EXISTS",
      details: { entity: "host", field: "agent URL", value: "http://a" },
    });
    const agentUrlOf = (code: string, details: Record<string, unknown>) =>
      code === "ALREADY_EXISTS" && details.field === "agent URL" ? "username" : undefined;
    expect(serverFieldErrors(error, hasField, agentUrlOf)).toEqual({
      fields: { username: 'A host with agent URL "http://a" already exists.' },
      unplaced: false,
    });
    // Without the mapping the word "agent URL" is no field: the error stays above the buttons.
    expect(serverFieldErrors(error, hasField)).toEqual({ fields: {}, unplaced: true });
  });

  it("reads a domain error's details.fieldErrors", () => {
    const error = serverError("Bad password", {
      domainCode: "WEAK_PASSWORD",
      details: { fieldErrors: { password: ["Too common"] } },
    });
    expect(serverFieldErrors(error, hasField).fields).toEqual({ password: "Too common" });
  });

  it("leaves unplaced what no field shows, and errors without fields", () => {
    const other = serverError("bad", {
      fieldErrors: { role: ["Invalid option"] },
      formErrors: [],
    });
    expect(serverFieldErrors(other, hasField)).toEqual({ fields: {}, unplaced: true });
    const conflict = serverError("Quota exceeded", { domainCode: "QUOTA_EXCEEDED", details: {} });
    expect(serverFieldErrors(conflict, hasField)).toEqual({ fields: {}, unplaced: true });
    expect(serverFieldErrors(new Error("offline"), hasField).unplaced).toBe(true);
  });
});

describe("domainFields", () => {
  const field = domainFields({ VNI_IN_USE: "vni" }, { Zone: "zoneId" });

  it("puts a code on its field, and NOT_FOUND on the missing entity's", () => {
    expect(field("VNI_IN_USE", {})).toBe("vni");
    expect(field("NOT_FOUND", { entity: "Zone" })).toBe("zoneId");
  });

  it("leaves other codes, other entities and inherited names unplaced", () => {
    expect(field("PF_BUSY", {})).toBeUndefined();
    expect(field("NOT_FOUND", { entity: "Cluster" })).toBeUndefined();
    expect(field("constructor", {})).toBeUndefined();
  });
});
