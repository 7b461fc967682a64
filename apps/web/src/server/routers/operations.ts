import {
  getOperation,
  getOperationDetail,
  listOperations,
  listOperationsInput,
  retryOperation,
  retryOperationInput,
} from "@virtfn/core";
import { z } from "zod";
import { authedProcedure, router } from "../trpc";
import { operationsRouterOutputs } from "./outputs.generated";

export const operationsRouter = router({
  /** Any signed-in user; core narrows tenants to their projects' and their own operations. */
  list: authedProcedure
    .meta({ rest: { route: "GET /operations", tag: "Operations", summary: "List operations" } })
    .input(listOperationsInput)
    .output(operationsRouterOutputs.list)
    .query(({ ctx, input }) => listOperations(ctx.db, ctx.actor, input)),
  /** Any signed-in user; same visibility as list. */
  get: authedProcedure
    .meta({
      rest: { route: "GET /operations/:id", tag: "Operations", summary: "Get an operation" },
    })
    .input(z.object({ id: z.uuid("Not an operation id") }))
    .output(operationsRouterOutputs.get)
    .query(({ ctx, input }) => getOperation(ctx.db, ctx.actor, input.id)),
  /** Any signed-in user; same visibility as get. Agent task, parent, children, retry verdict. */
  detail: authedProcedure
    .meta({
      rest: {
        route: "GET /operations/:id/detail",
        tag: "Operations",
        summary: "Get an operation with its agent task, parent, children and retry verdict",
      },
    })
    .input(z.object({ id: z.uuid("Not an operation id") }))
    .output(operationsRouterOutputs.detail)
    .query(({ ctx, input }) => getOperationDetail(ctx.db, ctx.actor, input.id)),
  /**
   * Runs a failed operation's request again as a new operation, when core's retry verdict allows
   * it (OPERATION_NOT_RETRYABLE says why not); the service re-checks every rule.
   */
  retry: authedProcedure
    .meta({
      rest: {
        route: "POST /operations/:id/retry",
        tag: "Operations",
        summary: "Retry a failed operation (as a new operation)",
        longRunning: true,
        description:
          "Runs the failed operation's request again as a new operation, with every rule checked afresh. Refused with 409 OPERATION_NOT_RETRYABLE (the message says why) unless the operation failed and its kind is safe to re-run.",
      },
    })
    .input(retryOperationInput)
    .output(operationsRouterOutputs.retry)
    .mutation(({ ctx, input }) => retryOperation(ctx.db, ctx.actor, input)),
});
