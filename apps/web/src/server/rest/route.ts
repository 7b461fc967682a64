// How a procedure declares its REST route: `.meta({ rest: { route: "GET /vms", tag, summary } })`
// on the procedure itself (typed through initTRPC.meta), so a new endpoint is one line beside the
// procedure's input and output schemas. endpoints.ts reads these off the router; nothing else
// lists routes. Only the type lives here: the routers import it, and it imports nothing of them.

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The OpenAPI tags, in the document's order, with what each groups. */
export const TAGS = [
  { name: "VMs", description: "Virtual machines of a project and their NICs (VF or vNIC)." },
  {
    name: "Network services",
    description: "QoS, security groups and EIPs on vNICs (not on VF NICs: R4–R6).",
  },
  { name: "Catalog", description: "Instance offerings and images." },
  { name: "Operations", description: "Long-running work: poll an operation until it finishes." },
  {
    name: "Hosts",
    description: "KVM hosts, their readiness (IOMMU) and physical NICs. Admins and auditors.",
  },
  {
    name: "SR-IOV",
    description: "Splitting PFs into VFs, restoring them, and VF availability per L3 network.",
  },
  {
    name: "Passthrough",
    description:
      "Whole-device PCI passthrough: a host's devices, marking them assignable, giving them to VMs.",
  },
  { name: "L2 networks", description: "L2 networks (NoVlan, Vlan, Vxlan) and their SR-IOV flag." },
  { name: "L3 networks", description: "L3 networks on an L2, their IP ranges and SR-IOV flag." },
  { name: "VXLAN pools", description: "VNI ranges for VXLAN L2 networks." },
  { name: "Inventory", description: "Zones and clusters." },
  { name: "API keys", description: "Keys for integrations; the token is shown once." },
  { name: "Audit", description: "Who changed what, when, from where, and the outcome." },
  {
    name: "Users and projects",
    description: "Identity and tenancy (admins change, auditors read).",
  },
] as const;

export type RestTag = (typeof TAGS)[number]["name"];

export interface RestRoute {
  /**
   * Method and path under /api/v1; `:name` segments are input fields of the same name. A GET
   * takes the rest of its input from the query string, every other method from a JSON body.
   */
  route: `${HttpMethod} /${string}`;
  tag: RestTag;
  summary: string;
  description?: string;
  /** Returns an operation: 202 + Location, or 200 once finished when `?wait=<seconds>` is given. */
  longRunning?: true;
}

/** The meta every procedure may carry (initTRPC.meta<ProcedureMeta>()). */
export interface ProcedureMeta {
  /** Its route on /api/v1; procedures without one are tRPC only (login, logout, …). */
  rest?: RestRoute;
}

/**
 * A procedure's REST meta: `.meta(rest("VMs", "GET /vms", "List VMs"))`; `more` adds a description
 * or marks a route that returns an operation.
 */
export function rest(
  tag: RestTag,
  route: RestRoute["route"],
  summary: string,
  more?: Pick<RestRoute, "description" | "longRunning">,
): ProcedureMeta {
  return { rest: { route, tag, summary, ...more } };
}
