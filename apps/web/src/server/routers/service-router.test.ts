// serviceRouter builds each row into the procedure its builder chain would be: same access check,
// REST meta, input and output schemas, query for a GET route and mutation otherwise, the service
// called with (db, actor, parsed input), and the same types for the UI's useTRPC() calls.
import type { Actor } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { rest } from "../rest/route";
import { adminProcedure, createCallerFactory, type Context } from "../trpc";
import { admin, answersOk, serviceRouter, signedIn } from "./service-router";

const thingIdInput = z.object({ thingId: z.uuid() });
const thing = z.object({ id: z.string(), name: z.string() });
const outputs = {
  list: thing,
  get: thing,
  rename: thing,
  remove: z.object({ ok: z.literal(true) }),
  count: thing,
};
const calls: unknown[][] = [];
const getThing = async (_db: Db, actor: Actor, input: { thingId: string }) => {
  calls.push(["getThing", actor.username, input]);
  return { id: input.thingId, name: "one", extra: "stripped by the output schema" };
};
const renameThing = async (_db: Db, _actor: Actor, input: { thingId: string; name: string }) => ({
  id: input.thingId,
  name: input.name,
});
const removeThing = async (_db: Db, _actor: Actor, input: { thingId: string }) => {
  calls.push(["removeThing", input]);
};

const listThings = async (_db: Db, _actor: Actor) => ({ id: "all", name: "every thing" });

const thingsRouter = serviceRouter("Inventory", outputs, {
  list: admin({ route: "GET /things", summary: "List things", service: listThings }),
  get: signedIn({
    route: "GET /things/:thingId",
    summary: "Get a thing",
    input: thingIdInput,
    service: getThing,
  }),
  rename: admin({
    route: "PATCH /things/:thingId",
    summary: "Rename a thing",
    input: thingIdInput.extend({ name: z.string().max(64) }),
    service: renameThing,
    description: "Admins only.",
  }),
  // A builder chain keeps its place among the rows.
  count: adminProcedure.output(thing).query(() => ({ id: "all", name: "count" })),
  remove: admin({
    route: "DELETE /things/:thingId",
    summary: "Remove a thing",
    input: thingIdInput,
    service: answersOk(removeThing),
  }),
});

const id = "00000000-0000-4000-8000-0000000000aa";
function caller(role: "Admin" | "Tenant") {
  const actor = { userId: id, username: role.toLowerCase(), role, projectIds: [] };
  return createCallerFactory(thingsRouter)({
    actor,
    requestId: "req-rows",
    sessionToken: undefined,
    headers: new Headers(),
    resHeaders: new Headers(),
    url: undefined,
    db: {} as Context["db"],
  });
}

describe("serviceRouter", () => {
  it("builds each row as its builder chain would: kind from the method, meta, schemas, table order", () => {
    const { procedures } = thingsRouter._def;
    expect(Object.keys(procedures)).toEqual(["list", "get", "rename", "count", "remove"]);
    expect(procedures.list._def.inputs).toEqual([]);
    expect(procedures.get._def.type).toBe("query");
    expect(procedures.rename._def.type).toBe("mutation");
    expect(procedures.remove._def.type).toBe("mutation");
    expect(procedures.get._def.meta).toEqual(
      rest("Inventory", "GET /things/:thingId", "Get a thing"),
    );
    expect(procedures.rename._def.meta).toEqual(
      rest("Inventory", "PATCH /things/:thingId", "Rename a thing", {
        description: "Admins only.",
      }),
    );
    expect(procedures.get._def.inputs).toEqual([thingIdInput]);
    expect((procedures.get._def as { output?: unknown }).output).toBe(thing);
    expect((procedures.remove._def as { output?: unknown }).output).toBe(outputs.remove);
  });

  it("calls the service with the actor and the parsed input, checks access, and answers { ok: true } for answersOk", async () => {
    calls.length = 0;
    await expect(caller("Tenant").get({ thingId: id })).resolves.toEqual({ id, name: "one" });
    await expect(caller("Tenant").rename({ thingId: id, name: "two" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(caller("Admin").rename({ thingId: id, name: "two" })).resolves.toEqual({
      id,
      name: "two",
    });
    await expect(caller("Admin").remove({ thingId: id })).resolves.toEqual({ ok: true });
    await expect(caller("Admin").get({ thingId: "nope" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(calls).toEqual([
      ["getThing", "tenant", { thingId: id }],
      ["removeThing", { thingId: id }],
    ]);
  });

  it("refuses a row without a generated output schema", () => {
    expect(() =>
      serviceRouter("Inventory", outputs, {
        // @ts-expect-error -- no output schema named "missing": the generator has not run
        missing: signedIn({ route: "GET /missing", summary: "?", service: getThing }),
      }),
    ).toThrow(/missing: no output schema/);
  });

  it("gives a row the types of the builder chain it replaces", () => {
    const chain = adminProcedure
      .meta(rest("Inventory", "PATCH /things/:thingId", "Rename a thing"))
      .input(thingIdInput.extend({ name: z.string().max(64) }))
      .output(thing)
      .mutation(({ ctx, input }) => renameThing(ctx.db, ctx.actor, input));
    expectTypeOf(thingsRouter.rename).toEqualTypeOf(chain);
    const withoutInput = adminProcedure
      .meta(rest("Inventory", "GET /things", "List things"))
      .output(thing)
      .query(({ ctx }) => listThings(ctx.db, ctx.actor));
    expectTypeOf(thingsRouter.list).toEqualTypeOf(withoutInput);
    serviceRouter("Inventory", outputs, {
      // @ts-expect-error -- the service answers a number where the output schema wants a thing
      get: signedIn({ route: "GET /things/:thingId", summary: "?", service: async () => 42 }),
    });
  });
});
