import { randomUUID } from "node:crypto";
import { AgentError, routes, type RouteDef, type RouteName } from "@virtfn/agent-client";
import { Hono, type Context } from "hono";
import type { z } from "zod";
import type { HostAgent } from "../agent/host-agent";
import { bearerMatches } from "./auth";
import { handlersFor } from "./handlers";

export interface AppOptions {
  token: string;
  log?: (line: string) => void;
  /** Told of every request to a known route before it is handled (benchmarks count them). */
  onRequest?: (route: RouteName) => void;
}

function json(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

function issues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

/** The handler table is typed per route; here routes are walked generically, so widen once. */
type AnyHandler = (input: { params: unknown; body: unknown }) => Promise<unknown>;

export function createApp(agent: HostAgent, options: AppOptions): Hono {
  const app = new Hono();
  const log = options.log ?? (() => undefined);
  const handlers = handlersFor(agent);

  const register = (name: RouteName, route: RouteDef, handler: AnyHandler) => {
    app.on(route.method, route.path, async (c: Context) => {
      options.onRequest?.(name);
      if (route.auth && !bearerMatches(c.req.header("authorization"), options.token)) {
        throw new AgentError("UNAUTHORIZED", "missing or wrong bearer token");
      }
      // Path segments and the query string fill one params object (buildPath splits it so).
      const params = route.params.safeParse({ ...c.req.query(), ...c.req.param() });
      if (!params.success)
        throw new AgentError("VALIDATION", `${name}: invalid path`, {
          details: { issues: issues(params.error) },
        });
      let body: unknown = undefined;
      if (route.body !== null) {
        let raw: unknown;
        try {
          raw = await c.req.json();
        } catch {
          throw new AgentError("VALIDATION", `${name}: body is not JSON`);
        }
        const parsed = route.body.safeParse(raw);
        if (!parsed.success)
          throw new AgentError("VALIDATION", `${name}: invalid body`, {
            details: { issues: issues(parsed.error) },
          });
        body = parsed.data;
      }
      const result = await handler({ params: params.data, body });
      // Checking our own output keeps the contract honest: a drift is a 500 here, not a client surprise.
      const out = route.response.safeParse(result);
      if (!out.success) {
        log(`contract violation in ${name}: ${JSON.stringify(issues(out.error))}`);
        throw new AgentError("INTERNAL", `${name}: response does not match the contract`);
      }
      return json(out.data, route.status);
    });
  };

  for (const name of Object.keys(routes) as RouteName[]) {
    const handler = handlers[name] as AnyHandler;
    register(name, routes[name], handler);
  }

  app.notFound((c) =>
    json(new AgentError("NOT_FOUND", `no route ${c.req.method} ${c.req.path}`).toBody(), 404),
  );
  app.onError((error, c) => {
    if (error instanceof AgentError) {
      if (error.status >= 500) log(`${c.req.method} ${c.req.path}: ${error.code} ${error.message}`);
      return json(error.toBody(), error.status);
    }
    const requestId = randomUUID();
    log(
      `${c.req.method} ${c.req.path} [${requestId}]: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return json(
      new AgentError("INTERNAL", `unexpected error, request id ${requestId}`, {
        details: { requestId },
      }).toBody(),
      500,
    );
  });
  return app;
}
