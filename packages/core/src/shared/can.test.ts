import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLES, type Permission } from "./can";

// The whole table, written out: a change to who may do what shows up here as a diff.
const expected: Record<Permission, Record<(typeof ROLES)[number], boolean>> = {
  "inventory.read": { Admin: true, Tenant: false, Auditor: true },
  "inventory.manage": { Admin: true, Tenant: false, Auditor: false },
  "catalog.manage": { Admin: true, Tenant: false, Auditor: false },
  "vms.read": { Admin: true, Tenant: true, Auditor: true },
  "vms.manage": { Admin: true, Tenant: true, Auditor: false },
  "netservices.manage": { Admin: true, Tenant: true, Auditor: false },
  "operations.read": { Admin: true, Tenant: true, Auditor: true },
  "audit.read": { Admin: true, Tenant: true, Auditor: true },
  "iam.read": { Admin: true, Tenant: false, Auditor: true },
  "iam.manage": { Admin: true, Tenant: false, Auditor: false },
  "self.manage": { Admin: true, Tenant: true, Auditor: true },
  write: { Admin: true, Tenant: true, Auditor: false },
};

describe("can(actor, action)", () => {
  it("covers every permission in the table", () => {
    expect([...PERMISSIONS].sort()).toEqual(Object.keys(expected).sort());
  });

  for (const action of PERMISSIONS) {
    for (const role of ROLES) {
      it(`${role} ${expected[action][role] ? "may" : "may not"} ${action}`, () => {
        expect(can({ role }, action)).toBe(expected[action][role]);
      });
    }
  }
});
