import * as core from "@virtfn/core";
import { z } from "zod";
import { authedProcedure } from "../trpc";
import { rest } from "../rest/route";
import { operationsRouterOutputs } from "./outputs.generated";
import { serviceRouter, signedIn } from "./service-router";

export const operationsRouter = serviceRouter("Operations", operationsRouterOutputs, {
  /** Any signed-in user; core narrows tenants to their projects' and their own operations. */
  list: signedIn({
    route: "GET /operations",
    summary: "List operations",
    input: core.listOperationsInput,
    service: core.listOperations,
  }),
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
  retry: signedIn({
    route: "POST /operations/:id/retry",
    summary: "Retry a failed operation (as a new operation)",
    input: core.retryOperationInput,
    service: core.retryOperation,
    longRunning: true,
    description:
      "Runs the failed operation's request again as a new operation, with every rule checked afresh. Refused with 409 OPERATION_NOT_RETRYABLE (the message says why) unless the operation failed and its kind is safe to re-run.",
  }),
});
