import { getOperation, listOperations, listOperationsInput } from "@virtfn/core";
import { z } from "zod";
import { authedProcedure, router } from "../trpc";
import { operationsRouterOutputs } from "./outputs.generated";

export const operationsRouter = router({
  /** Any signed-in user; core narrows tenants to their projects' and their own operations. */
  list: authedProcedure
    .input(listOperationsInput)
    .output(operationsRouterOutputs.list)
    .query(({ ctx, input }) => listOperations(ctx.db, ctx.actor, input)),
  /** Any signed-in user; same visibility as list. */
  get: authedProcedure
    .input(z.object({ id: z.uuid("Not an operation id") }))
    .output(operationsRouterOutputs.get)
    .query(({ ctx, input }) => getOperation(ctx.db, ctx.actor, input.id)),
});
