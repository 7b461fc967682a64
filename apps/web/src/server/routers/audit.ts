import * as core from "@virtfn/core";
import { auditRouterOutputs } from "./outputs.generated";
import { serviceRouter, signedIn } from "./service-router";

export const auditRouter = serviceRouter("Audit", auditRouterOutputs, {
  /** Any signed-in user: admins and auditors see every event, tenants their projects' events. */
  list: signedIn({
    route: "GET /audit-events",
    summary: "List audit events",
    input: core.listAuditEventsInput,
    service: core.listAuditEvents,
    description: "Tenants see their projects' events; admins and auditors all.",
  }),
});
