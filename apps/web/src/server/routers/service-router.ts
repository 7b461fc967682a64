// Most procedures hand their parsed input straight to one core service, which checks the rules.
// Their facts (who may call, the REST route, its summary, the input schema, the service) are
// declared once per procedure in a table: serviceRouter builds each procedure from its row, makes
// a GET route a query and any other method a mutation, and takes the output schema that
// scripts/generate-rest-outputs.ts derived from the service's return type (outputs.generated.ts).
// A procedure whose resolver does more than call one service stays a tRPC builder chain, written
// in the same table.
import type { AnyTRPCProcedure, TRPCMutationProcedure, TRPCQueryProcedure } from "@trpc/server";
import type { Actor } from "@virtfn/core";
import type { Db } from "@virtfn/db";
import type { z } from "zod";
import {
  adminProcedure,
  authedProcedure,
  inventoryProcedure,
  router,
  type ErrorShape,
} from "../trpc";
import { rest, type ProcedureMeta, type RestRoute, type RestTag } from "../rest/route";

/** Who may call: admins; admins and auditors (the physical inventory); anyone signed in. */
const ACCESS = {
  admin: adminProcedure,
  inventory: inventoryProcedure,
  signedIn: authedProcedure,
} as const;
type Access = keyof typeof ACCESS;

/** A row's input schema; undefined for a procedure that takes no input. */
type InputSchema = z.ZodType | undefined;
/** What the service is given: the input schema's parsed value (tRPC's resolver input). */
type ParsedInput<Schema extends InputSchema> = [Schema] extends [z.ZodType]
  ? z.output<Schema>
  : void;
type Service<Schema extends InputSchema, Output> = (
  db: Db,
  actor: Actor,
  input: ParsedInput<Schema>,
) => Output | Promise<Output>;

/** A row as a router's table writes it, in admin({...}), inventory({...}) or signedIn({...}). */
interface RowFacts<
  Schema extends InputSchema,
  Output,
  Route extends RestRoute["route"],
> extends Pick<RestRoute, "description" | "longRunning"> {
  route: Route;
  summary: string;
  /** Left out when the procedure takes no input. */
  input?: Schema;
  service: Service<Schema, Output>;
}

/** One row of a router's table: a procedure answered by `service(db, actor, input)`. */
export interface ServiceProcedure<
  Schema extends InputSchema = InputSchema,
  Output = unknown,
  Route extends RestRoute["route"] = RestRoute["route"],
> extends RowFacts<Schema, Output, Route> {
  access: Access;
}

function row(access: Access) {
  // NoInfer: a row without `input` must take its schema from the default (none), not from the
  // type the router's table expects of it.
  return <Route extends RestRoute["route"], Output, Schema extends InputSchema = undefined>(
    facts: RowFacts<Schema, Output, Route>,
  ): ServiceProcedure<NoInfer<Schema>, Output, Route> => ({ access, ...facts });
}

/** Admins only (R15: hosts, IOMMU, splitting, networks). */
export const admin = row("admin");
/** Admins and auditors: read-only views of the physical inventory. */
export const inventory = row("inventory");
/** Any signed-in user; core scopes what each sees and may change. */
export const signedIn = row("signedIn");

/** For a service that answers nothing worth returning (a delete): the procedure answers `{ ok: true }`. */
export function answersOk<Input>(
  service: (db: Db, actor: Actor, input: Input) => Promise<unknown>,
) {
  return async (db: Db, actor: Actor, input: Input): Promise<{ ok: true }> => {
    await service(db, actor, input);
    return { ok: true };
  };
}

/** Any row: its service is only called with the input its own schema parsed. */
type AnyServiceRow = Omit<ServiceProcedure, "service"> & {
  service: (db: Db, actor: Actor, input: never) => unknown;
};
type Row = AnyServiceRow | AnyTRPCProcedure;
type Outputs = Record<string, z.ZodType>;

/** A row's service must answer what its generated output schema accepts (as tRPC checks .output). */
type Checked<Table, Out extends Outputs> = {
  [K in keyof Table]: Table[K] extends ServiceProcedure<infer Schema, unknown, infer Route>
    ? K extends keyof Out
      ? ServiceProcedure<Schema, z.input<Out[K]>, Route>
      : "no output schema: run apps/web/scripts/generate-rest-outputs.ts"
    : Table[K];
};

interface Def<Schema extends InputSchema, Output extends z.ZodType> {
  /** void without a schema (a row that leaves `input` out), as tRPC's chain without .input(). */
  input: [Schema] extends [z.ZodType] ? z.input<Schema> : void;
  output: z.output<Output>;
  meta: ProcedureMeta;
  errorShape: ErrorShape;
}

/** The procedure tRPC's builder chain would give for a row (a GET route is a query). */
type Built<R, Output extends z.ZodType> =
  R extends ServiceProcedure<infer Schema, unknown, infer Route>
    ? Route extends `GET ${string}`
      ? TRPCQueryProcedure<Def<Schema, Output>>
      : TRPCMutationProcedure<Def<Schema, Output>>
    : R extends AnyTRPCProcedure
      ? R
      : never;

type BuiltTable<Table, Out extends Outputs> = {
  [K in keyof Table]: Built<Table[K], K extends keyof Out ? Out[K] : z.ZodUnknown>;
};

function isServiceRow(value: Row): value is AnyServiceRow {
  return "service" in value && "route" in value;
}

type Resolver = (opts: { ctx: { db: Db; actor: Actor }; input: never }) => unknown;
/**
 * The builder chain as build() drives it: one shape for the three access levels and for rows with
 * or without input. Its types are the rows' (Built), so the builder's own are not needed here.
 */
interface Chain {
  input(schema: z.ZodType): Chain;
  output(schema: z.ZodType): Chain;
  query(resolver: Resolver): AnyTRPCProcedure;
  mutation(resolver: Resolver): AnyTRPCProcedure;
}

function build(tag: RestTag, spec: AnyServiceRow, output: z.ZodType): AnyTRPCProcedure {
  const { access, route, summary, input, service, ...more } = spec;
  const base = ACCESS[access].meta(rest(tag, route, summary, more)) as unknown as Chain;
  const chain = (input ? base.input(input) : base).output(output);
  const resolver: Resolver = (call) => service(call.ctx.db, call.ctx.actor, call.input);
  return route.startsWith("GET ") ? chain.query(resolver) : chain.mutation(resolver);
}

/**
 * A router from a table of rows (admin/inventory/signedIn) and builder chains, in the table's order
 * (the OpenAPI document lists endpoints in it). `tag` groups the rows' REST routes; `outputs` is
 * the router's generated output schemas, looked up by procedure name.
 */
export function serviceRouter<Out extends Outputs, Table extends Record<string, Row>>(
  tag: RestTag,
  outputs: Out,
  table: Table & Checked<Table, Out>,
) {
  const procedures: Record<string, AnyTRPCProcedure> = {};
  for (const [name, value] of Object.entries(table as Record<string, Row>)) {
    const output = outputs[name];
    if (!isServiceRow(value)) procedures[name] = value;
    else if (!output) throw new Error(`${name}: no output schema; run generate-rest-outputs.ts`);
    else procedures[name] = build(tag, value, output);
  }
  return router(procedures as BuiltTable<Table, Out>);
}
