// The REST API's endpoints, read off the procedures: every procedure that declares
// `.meta({ rest: { route, tag, summary } })` is one endpoint, so the route sits beside the input
// and output schemas it serves and there is no second table to keep in step. The catch-all route
// (app/api/v1/[...path]) matches an endpoint, builds the procedure's input from the path
// parameters and the query string (GET) or JSON body (other methods), and calls the procedure
// through createCaller: auth, validation, rules and error mapping are the tRPC ones.
import { TAGS, type HttpMethod, type RestTag } from "./route";
import { declaredProcedurePaths, procedureAt } from "./schemas";

export interface Endpoint {
  method: HttpMethod;
  /** Under /api/v1; `:name` segments become input fields of the same name. */
  path: string;
  /** The tRPC procedure path, e.g. "hosts.list". */
  procedure: string;
  summary: string;
  tag: RestTag;
  /** Where the input comes from besides the path parameters (which always win). */
  inputFrom: "query" | "body";
  longRunning: boolean;
  description?: string;
}

function readEndpoints(): Endpoint[] {
  const found: Endpoint[] = [];
  const seen = new Map<string, string>();
  for (const procedure of declaredProcedurePaths()) {
    const rest = procedureAt(procedure)?._def.meta?.rest;
    if (!rest) continue;
    const [method, path] = rest.route.split(" ") as [HttpMethod, string];
    // Two procedures on one route would leave one unreachable: refuse to start instead.
    const twin = seen.get(rest.route);
    if (twin) throw new Error(`${procedure} and ${twin} both declare ${rest.route}`);
    seen.set(rest.route, procedure);
    found.push({
      method,
      path,
      procedure,
      summary: rest.summary,
      tag: rest.tag,
      inputFrom: method === "GET" ? "query" : "body",
      longRunning: rest.longRunning === true,
      ...(rest.description ? { description: rest.description } : {}),
    });
  }
  // The document lists endpoints by tag, then in the order the routers declare them.
  const order = (tag: RestTag) => TAGS.findIndex((t) => t.name === tag);
  return found.sort((a, b) => order(a.tag) - order(b.tag));
}

export const endpoints: readonly Endpoint[] = readEndpoints();
