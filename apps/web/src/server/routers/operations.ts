import * as core from "@virtfn/core";
import { z } from "zod";
import { authedProcedure, router } from "../trpc";
import { rest } from "../rest/route";
import { serve } from "./serve";
import { operationsRouterOutputs } from "./outputs.generated";

export const operationsRouter = router({
  /** Any signed-in user; core narrows tenants to their projects' and their own operations. */
  list: authedProcedure
    .meta(rest("Operations", "GET /operations", "List operations"))
    .input(core.listOperationsInput)
    .output(operationsRouterOutputs.list)
    .query(serve(core.listOperations)),
  /** Any signed-in user; same visibility as list. */
  get: authedProcedure
    .meta(rest("Operations", "GET /operations/:id", "Get an operation"))
    .input(z.object({ id: z.uuid("Not an operation id") }))
    .output(operationsRouterOutputs.get)
    .query(({ ctx, input }) => core.getOperation(ctx.db, ctx.actor, input.id)),
  /** Any signed-in user; same visibility as get. Agent task, parent, children, retry verdict. */
  detail: authedProcedure
    .meta(
      rest(
        "Operations",
        "GET /operations/:id/detail",
        "Get an operation with its agent task, parent, children and retry verdict",
      ),
    )
    .input(z.object({ id: z.uuid("Not an operation id") }))
    .output(operationsRouterOutputs.detail)
    .query(({ ctx, input }) => core.getOperationDetail(ctx.db, ctx.actor, input.id)),
  /**
   * Runs a failed operation's request again as a new operation, when core's retry verdict allows
   * it (OPERATION_NOT_RETRYABLE says why not); the service re-checks every rule.
   */
  retry: authedProcedure
    .meta(
      rest(
        "Operations",
        "POST /operations/:id/retry",
        "Retry a failed operation (as a new operation)",
        {
          longRunning: true,
          description:
            "Runs the failed operation's request again as a new operation, with every rule checked afresh. Refused with 409 OPERATION_NOT_RETRYABLE (the message says why) unless the operation failed and its kind is safe to re-run.",
        },
      ),
    )
    .input(core.retryOperationInput)
    .output(operationsRouterOutputs.retry)
    .mutation(serve(core.retryOperation)),
});
