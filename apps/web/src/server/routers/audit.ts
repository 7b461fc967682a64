import * as core from "@virtfn/core";
import { authedProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve } from "./serve";
import { auditRouterOutputs } from "./outputs.generated";

export const auditRouter = router({
  /** Any signed-in user: admins and auditors see every event, tenants their projects' events. */
  list: authedProcedure
    .meta(
      rest("Audit", "GET /audit-events", "List audit events", {
        description: "Tenants see their projects' events; admins and auditors all.",
      }),
    )
    .input(core.listAuditEventsInput)
    .output(auditRouterOutputs.list)
    .query(serve(core.listAuditEvents)),
});
