// Most procedures hand their parsed input straight to one core service, which checks the rules:
// these build that resolver, so a router says only which service answers.
import type { Actor } from "@virtfn/core";
import type { Db } from "@virtfn/db";

/** What a signed-in procedure's resolver is given (authedProcedure and the ones built on it). */
interface ServiceCall<Input> {
  ctx: { db: Db; actor: Actor };
  input: Input;
}

/** The resolver `({ ctx, input }) => service(ctx.db, ctx.actor, input)`. */
export function serve<Input, Output>(service: (db: Db, actor: Actor, input: Input) => Output) {
  return ({ ctx, input }: ServiceCall<Input>): Output => service(ctx.db, ctx.actor, input);
}

/** For a service that answers nothing worth returning (a delete): the procedure answers `{ ok: true }`. */
export function serveOk<Input>(service: (db: Db, actor: Actor, input: Input) => Promise<unknown>) {
  return async ({ ctx, input }: ServiceCall<Input>): Promise<{ ok: true }> => {
    await service(ctx.db, ctx.actor, input);
    return { ok: true };
  };
}
