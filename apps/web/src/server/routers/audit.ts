import { listAuditEvents, listAuditEventsInput } from "@virtfn/core";
import { authedProcedure, router } from "../trpc";
import { auditRouterOutputs } from "./outputs.generated";

export const auditRouter = router({
  /** Any signed-in user: admins and auditors see every event, tenants their projects' events. */
  list: authedProcedure
    .meta({
      rest: {
        route: "GET /audit-events",
        tag: "Audit",
        summary: "List audit events",
        description: "Tenants see their projects' events; admins and auditors all.",
      },
    })
    .input(listAuditEventsInput)
    .output(auditRouterOutputs.list)
    .query(({ ctx, input }) => listAuditEvents(ctx.db, ctx.actor, input)),
});
