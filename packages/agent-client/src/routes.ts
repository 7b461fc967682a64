import { z } from "zod";
import { DomainName, IfName, MacAddress, Ok, PciAddress } from "./schemas/common";
import {
  AttachVfRequest,
  AttachVnicRequest,
  DetachVfRequest,
  DetachVnicRequest,
  DomainInfo,
  DomainSpec,
  IncomingMigrationRequest,
  InjectFaultRequest,
  MigrateRequest,
  MigrateResponse,
} from "./schemas/domain";
import { FdbEntry } from "./schemas/fdb";
import {
  Health,
  HostFacts,
  RebootResponse,
  SetIommuRequest,
  SetIommuResponse,
} from "./schemas/host";
import { PhysicalNic, SetVfCountRequest, TaskRef, UnbindDriverResponse } from "./schemas/nic";
import { HostPciDevice } from "./schemas/pci";
import { HostSnapshot, SnapshotChange, SnapshotDigest } from "./schemas/snapshot";
import { Task } from "./schemas/task";
import { VfCountersReport } from "./schemas/vf-counters";
import { SetVfPortRequest, VfPortObserved, VfResetResult } from "./schemas/vf-port";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/**
 * One endpoint of the agent. The server registers handlers from these and the client builds
 * requests from them, so a path or a schema exists exactly once.
 */
export interface RouteDef<
  P extends z.ZodObject = z.ZodObject,
  B extends z.ZodType | null = z.ZodType | null,
  R extends z.ZodType = z.ZodType,
> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly params: P;
  readonly body: B;
  readonly response: R;
  readonly status: 200 | 202;
  /** Safe to retry after a transport failure: repeating it cannot do the work twice. */
  readonly idempotent: boolean;
  readonly auth: boolean;
}

/** The longest a getTask long-poll may hold its request (the client's timeout must exceed it). */
export const MAX_TASK_WAIT_MS = 30_000;

/**
 * The `untilDone` of the next long-poll of a task last seen as `seen`: its first item, then each
 * further quarter. A watcher so sees a split move in about five answers, however long it runs.
 */
export function nextProgressStep(
  seen: { progress: { done: number; total: number } } | null,
): number {
  if (seen === null || seen.progress.done === 0) return 1;
  return seen.progress.done + Math.max(1, Math.ceil(seen.progress.total / 4));
}

const noParams = z.object({});
const pciParams = z.object({ pci: PciAddress });
const nameParams = z.object({ name: DomainName });
const pfParams = z.object({ pf: IfName });
const fdbParams = z.object({ pf: IfName, mac: MacAddress });

function route<P extends z.ZodObject, B extends z.ZodType | null, R extends z.ZodType>(
  def: Omit<RouteDef<P, B, R>, "status" | "auth"> & { status?: 200 | 202; auth?: boolean },
): RouteDef<P, B, R> {
  return { status: 200, auth: true, ...def };
}

export const routes = {
  health: route({
    method: "GET",
    path: "/v1/health",
    params: noParams,
    body: null,
    response: Health,
    idempotent: true,
    auth: false,
  }),
  facts: route({
    method: "GET",
    path: "/v1/facts",
    params: noParams,
    body: null,
    response: HostFacts,
    idempotent: true,
  }),
  snapshot: route({
    method: "GET",
    path: "/v1/snapshot",
    params: noParams,
    body: null,
    response: HostSnapshot,
    idempotent: true,
  }),
  // The snapshot unless it still has the digest the caller names ("none" names no digest).
  snapshotSince: route({
    method: "GET",
    path: "/v1/snapshot/since/:digest",
    params: z.object({ digest: SnapshotDigest }),
    body: null,
    response: SnapshotChange,
    idempotent: true,
  }),
  setIommu: route({
    method: "PUT",
    path: "/v1/iommu",
    params: noParams,
    body: SetIommuRequest,
    response: SetIommuResponse,
    idempotent: true,
  }),
  // Rebooting twice is not the same as rebooting once.
  reboot: route({
    method: "POST",
    path: "/v1/reboot",
    params: noParams,
    body: null,
    response: RebootResponse,
    idempotent: false,
  }),

  listNics: route({
    method: "GET",
    path: "/v1/nics",
    params: noParams,
    body: null,
    response: z.array(PhysicalNic),
    idempotent: true,
  }),
  // One PF as listNics reports it: what a split reads back, without reading the host's other PFs.
  getNic: route({
    method: "GET",
    path: "/v1/nics/:pci",
    params: pciParams,
    body: null,
    response: PhysicalNic,
    idempotent: true,
  }),
  // Passthrough candidates (issue 17): PCI functions that are neither VFs nor bridges.
  listPciDevices: route({
    method: "GET",
    path: "/v1/pci-devices",
    params: noParams,
    body: null,
    response: z.array(HostPciDevice),
    idempotent: true,
  }),
  setVfCount: route({
    method: "PUT",
    path: "/v1/nics/:pci/sriov",
    params: pciParams,
    body: SetVfCountRequest,
    response: TaskRef,
    status: 202,
    idempotent: true,
  }),
  unbindPfDriver: route({
    method: "POST",
    path: "/v1/nics/:pci/unbind-driver",
    params: pciParams,
    body: null,
    response: UnbindDriverResponse,
    idempotent: true,
  }),
  // Sets a VF's spoof checking, trust, link state and query_rss; answers the port as read back.
  setVfPort: route({
    method: "PUT",
    path: "/v1/vfs/:pci/port",
    params: pciParams,
    body: SetVfPortRequest,
    response: VfPortObserved,
    idempotent: true,
  }),
  // Zeroes the MAC (where the driver allows it), VLAN 0, trust off, defaults for the rest.
  // Refused with VF_IN_USE while a domain holds the VF.
  resetVf: route({
    method: "POST",
    path: "/v1/vfs/:pci/reset",
    params: pciParams,
    body: null,
    response: VfResetResult,
    idempotent: true,
  }),
  // Traffic counters of the VFs whose driver keeps them; read apart from the snapshot.
  vfCounters: route({
    method: "GET",
    path: "/v1/vf-counters",
    params: noParams,
    body: null,
    response: VfCountersReport,
    idempotent: true,
  }),
  // With waitMs, a long-poll: answers when the task ends, when `untilDone` items are done, or
  // after waitMs with it still running (a watcher then needs no polling schedule of its own). An
  // agent older than waitMs answers at once.
  getTask: route({
    method: "GET",
    path: "/v1/tasks/:id",
    params: z.object({
      id: z.string().min(1),
      waitMs: z.coerce.number<string | number>().int().min(0).max(MAX_TASK_WAIT_MS).optional(),
      // With waitMs: answer as soon as this many items are done (a progress step), too.
      untilDone: z.coerce.number<string | number>().int().min(0).optional(),
    }),
    body: null,
    response: Task,
    idempotent: true,
  }),

  listDomains: route({
    method: "GET",
    path: "/v1/domains",
    params: noParams,
    body: null,
    response: z.array(DomainInfo),
    idempotent: true,
  }),
  defineDomain: route({
    method: "POST",
    path: "/v1/domains",
    params: noParams,
    body: DomainSpec,
    response: DomainInfo,
    idempotent: true,
  }),
  getDomain: route({
    method: "GET",
    path: "/v1/domains/:name",
    params: nameParams,
    body: null,
    response: DomainInfo,
    idempotent: true,
  }),
  startDomain: route({
    method: "POST",
    path: "/v1/domains/:name/start",
    params: nameParams,
    body: null,
    response: DomainInfo,
    idempotent: true,
  }),
  stopDomain: route({
    method: "POST",
    path: "/v1/domains/:name/stop",
    params: nameParams,
    body: null,
    response: DomainInfo,
    idempotent: true,
  }),
  destroyDomain: route({
    method: "POST",
    path: "/v1/domains/:name/destroy",
    params: nameParams,
    body: null,
    response: DomainInfo,
    idempotent: true,
  }),
  undefineDomain: route({
    method: "DELETE",
    path: "/v1/domains/:name",
    params: nameParams,
    body: null,
    response: Ok,
    idempotent: true,
  }),
  attachVf: route({
    method: "POST",
    path: "/v1/domains/:name/vfs/attach",
    params: nameParams,
    body: AttachVfRequest,
    response: DomainInfo,
    idempotent: true,
  }),
  detachVf: route({
    method: "POST",
    path: "/v1/domains/:name/vfs/detach",
    params: nameParams,
    body: DetachVfRequest,
    response: DomainInfo,
    idempotent: true,
  }),
  attachVnic: route({
    method: "POST",
    path: "/v1/domains/:name/vnics/attach",
    params: nameParams,
    body: AttachVnicRequest,
    response: DomainInfo,
    idempotent: true,
  }),
  detachVnic: route({
    method: "POST",
    path: "/v1/domains/:name/vnics/detach",
    params: nameParams,
    body: DetachVnicRequest,
    response: DomainInfo,
    idempotent: true,
  }),
  // A retried migration could find the domain already gone and report a misleading NOT_FOUND.
  migrateDomain: route({
    method: "POST",
    path: "/v1/domains/:name/migrate",
    params: nameParams,
    body: MigrateRequest,
    response: MigrateResponse,
    idempotent: false,
  }),
  // Sim only (failure injection for tests and demos); arming twice replaces the count.
  injectFault: route({
    method: "PUT",
    path: "/v1/sim/faults",
    params: noParams,
    body: InjectFaultRequest,
    response: Ok,
    idempotent: true,
  }),
  acceptMigration: route({
    method: "POST",
    path: "/v1/migrations/incoming",
    params: noParams,
    body: IncomingMigrationRequest,
    response: DomainInfo,
    idempotent: false,
  }),

  listFdb: route({
    method: "GET",
    path: "/v1/fdb/:pf",
    params: pfParams,
    body: null,
    response: z.array(FdbEntry),
    idempotent: true,
  }),
  addFdb: route({
    method: "PUT",
    path: "/v1/fdb/:pf/:mac",
    params: fdbParams,
    body: null,
    response: Ok,
    idempotent: true,
  }),
  removeFdb: route({
    method: "DELETE",
    path: "/v1/fdb/:pf/:mac",
    params: fdbParams,
    body: null,
    response: Ok,
    idempotent: true,
  }),
} as const;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

export type RouteParams<N extends RouteName> = z.input<Routes[N]["params"]>;
export type RouteBody<N extends RouteName> = Routes[N]["body"] extends z.ZodType
  ? z.input<Routes[N]["body"]>
  : undefined;
export type RouteResponse<N extends RouteName> = z.output<Routes[N]["response"]>;

/**
 * Fills `:name` segments; the parameters the path does not name go to the query string (the
 * server reads both into one params object). Values are URI-encoded because PCI addresses and
 * MACs contain colons.
 */
export function buildPath(path: string, params: Record<string, string>): string {
  const inPath = new Set<string>();
  const filled = path.replace(/:([A-Za-z]+)/g, (_m, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`missing path parameter ${key} for ${path}`);
    inPath.add(key);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(Object.entries(params).filter(([key]) => !inPath.has(key)));
  return query.size === 0 ? filled : `${filled}?${query.toString()}`;
}
