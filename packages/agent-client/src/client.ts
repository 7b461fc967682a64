import type { z } from "zod";
import { AgentError } from "./errors";
import {
  nextProgressStep,
  routes,
  type RouteBody,
  type RouteName,
  type RouteParams,
  type RouteResponse,
} from "./routes";
import type {
  AttachVfRequest,
  AttachVnicRequest,
  DetachVfRequest,
  DomainSpec,
  InjectFaultRequest,
  MigrateRequest,
} from "./schemas/domain";
import type { Task } from "./schemas/task";
import type { VfPortSettings } from "./schemas/vf-port";
import { nodeHttpFetch, type AgentFetch } from "./http";
import { callRoute, type CallOptions, type TransportOptions } from "./transport";

export interface AgentClientOptions {
  baseUrl: string;
  token: string;
  /** Per-attempt timeout; default 10 s. */
  timeoutMs?: number;
  /** Retries after transient failures of idempotent calls; default 2. */
  retries?: number;
  /** First retry backoff, doubling each time; default 200 ms. */
  retryDelayMs?: number;
  /** Keep retrying transient failures of idempotent calls for this long; default 0 (count only). */
  retryForMs?: number;
  /** The HTTP client; default node:http with kept-alive connections (nodeHttpFetch). */
  fetch?: AgentFetch;
  /** The operation these calls are made for, sent with each (OPERATION_HEADER). */
  operationId?: string;
  /** The reconcile claim these calls are made for, sent with each (RECONCILE_CLAIM_HEADER). */
  reconcileClaim?: string;
  /** Told of every call once it ends (retries included), for metrics; what it throws is ignored. */
  onCall?: (event: AgentCallEvent) => void;
}

/** One finished agent call: its route, how long it took, and the error code if it failed. */
export interface AgentCallEvent {
  route: RouteName;
  durationMs: number;
  /** The AgentError code (TIMEOUT, UNREACHABLE, …), "CLIENT" for anything else; absent on success. */
  errorCode?: string;
}

export interface SetVfCountAndWaitOptions {
  operationId: string;
  onProgress?: (task: Task) => void;
  /**
   * Poll interval; default 500 ms. A function is asked before each wait, with the task as last
   * seen and the time since the call started: callers that back off (core's recheckDelay) poll
   * the agent as their own jobs do.
   */
  pollMs?: number | ((task: Task, elapsedMs: number) => number);
  /**
   * Look through the agent's long-poll instead of polling: each look is held by the agent until
   * the task ends or this many ms passed, with no sleep between looks (pollMs is then unused).
   */
  waitMs?: number;
  /** Overall deadline for the task; default 10 min (i40e takes ~22 s for 64 VFs, more on big hosts). */
  timeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createAgentClient(options: AgentClientOptions) {
  const transport: TransportOptions = {
    baseUrl: options.baseUrl,
    token: options.token,
    timeoutMs: options.timeoutMs ?? 10_000,
    retries: options.retries ?? 2,
    retryDelayMs: options.retryDelayMs ?? 200,
    retryForMs: options.retryForMs ?? 0,
    fetch: options.fetch ?? nodeHttpFetch,
    ...(options.operationId === undefined ? {} : { operationId: options.operationId }),
    ...(options.reconcileClaim === undefined ? {} : { reconcileClaim: options.reconcileClaim }),
  };

  async function call<N extends RouteName>(
    name: N,
    params: RouteParams<N>,
    body: RouteBody<N>,
    callOptions?: CallOptions,
  ): Promise<RouteResponse<N>> {
    const route = routes[name];
    // Validate before sending so a bad call fails here with field paths, not as a remote 400.
    const parsedParams = route.params.safeParse(params);
    if (!parsedParams.success) throw validationError(name, "params", parsedParams.error);
    let payload: unknown = undefined;
    if (route.body !== null) {
      const parsedBody = route.body.safeParse(body);
      if (!parsedBody.success) throw validationError(name, "body", parsedBody.error);
      payload = parsedBody.data;
    }
    const started = performance.now();
    const observe = (errorCode?: string) => {
      try {
        options.onCall?.({
          route: name,
          durationMs: performance.now() - started,
          ...(errorCode === undefined ? {} : { errorCode }),
        });
      } catch {
        // Metrics must never fail the call they measure.
      }
    };
    let result: unknown;
    try {
      result = await callRoute(
        transport,
        route,
        toStringRecord(parsedParams.data),
        payload,
        callOptions,
      );
    } catch (error) {
      observe(error instanceof AgentError ? error.code : "CLIENT");
      throw error;
    }
    observe();
    // callRoute already parsed with route.response; the cast only restores the static type.
    return result as RouteResponse<N>;
  }

  const client = {
    baseUrl: options.baseUrl,
    health: (o?: CallOptions) => call("health", {}, undefined, o),
    getFacts: (o?: CallOptions) => call("facts", {}, undefined, o),
    snapshot: (o?: CallOptions) => call("snapshot", {}, undefined, o),
    /** The snapshot, or `changed: false` when its digest is still `digest` ("none": always). */
    snapshotSince: (digest: string, o?: CallOptions) =>
      call("snapshotSince", { digest }, undefined, o),
    setIommuKernelArg: (enabled: boolean, o?: CallOptions) => call("setIommu", {}, { enabled }, o),
    /** Sim hosts only; the Linux backend answers UNSUPPORTED. */
    reboot: (o?: CallOptions) => call("reboot", {}, undefined, o),

    listPhysicalNics: (o?: CallOptions) => call("listNics", {}, undefined, o),
    /** One PF as listPhysicalNics reports it; NOT_FOUND when the host has no PF at that address. */
    getPhysicalNic: (pciAddress: string, o?: CallOptions) =>
      call("getNic", { pci: pciAddress }, undefined, o),
    /** Traffic counters of the VFs whose driver keeps them (not part of the snapshot). */
    vfCounters: (o?: CallOptions) => call("vfCounters", {}, undefined, o),
    /**
     * The host's PCI devices, or null from an agent older than passthrough (it has no such route):
     * null means "not reported", never "none", so the recorded devices are left as they are.
     */
    listPciDevices: async (o?: CallOptions) => {
      try {
        return await call("listPciDevices", {}, undefined, o);
      } catch (error) {
        if (error instanceof AgentError && error.code === "NOT_FOUND") return null;
        throw error;
      }
    },
    /** Starts the split/restore and returns at once; taskId equals operationId, so repeats are safe. */
    setVfCount: (
      pciAddress: string,
      count: number,
      opts: { operationId: string },
      o?: CallOptions,
    ) => call("setVfCount", { pci: pciAddress }, { count, operationId: opts.operationId }, o),
    setVfPort: (pciAddress: string, settings: VfPortSettings, o?: CallOptions) =>
      call("setVfPort", { pci: pciAddress }, { settings }, o),
    /** Before a released VF is handed to anyone else (the sriov-cni reset race). */
    resetVf: (pciAddress: string, o?: CallOptions) =>
      call("resetVf", { pci: pciAddress }, undefined, o),
    getTask: (taskId: string, o?: CallOptions) => call("getTask", { id: taskId }, undefined, o),
    /**
     * The task once it ends (or has `untilDone` items done), or as it is after `waitMs` if it is
     * still running: one request held
     * by the agent instead of a polling schedule. The request's timeout is stretched to cover the
     * wait.
     */
    waitForTask: (taskId: string, wait: { waitMs: number; untilDone?: number }, o?: CallOptions) =>
      call("getTask", { id: taskId, ...wait }, undefined, {
        ...o,
        timeoutMs: wait.waitMs + (o?.timeoutMs ?? transport.timeoutMs),
      }),
    /** R14: refuses with VF_IN_USE while a VF of this PF is attached to a domain. */
    unbindPfDriver: (pciAddress: string, o?: CallOptions) =>
      call("unbindPfDriver", { pci: pciAddress }, undefined, o),

    listDomains: (o?: CallOptions) => call("listDomains", {}, undefined, o),
    getDomain: (name: string, o?: CallOptions) => call("getDomain", { name }, undefined, o),
    defineDomain: (spec: z.input<typeof DomainSpec>, o?: CallOptions) =>
      call("defineDomain", {}, spec, o),
    startDomain: (name: string, o?: CallOptions) => call("startDomain", { name }, undefined, o),
    stopDomain: (name: string, o?: CallOptions) => call("stopDomain", { name }, undefined, o),
    destroyDomain: (name: string, o?: CallOptions) => call("destroyDomain", { name }, undefined, o),
    undefineDomain: (name: string, o?: CallOptions) =>
      call("undefineDomain", { name }, undefined, o),
    attachVf: (domain: string, req: z.input<typeof AttachVfRequest>, o?: CallOptions) =>
      call("attachVf", { name: domain }, req, o),
    detachVf: (domain: string, req: z.input<typeof DetachVfRequest>, o?: CallOptions) =>
      call("detachVf", { name: domain }, req, o),
    attachVnic: (domain: string, req: z.input<typeof AttachVnicRequest>, o?: CallOptions) =>
      call("attachVnic", { name: domain }, req, o),
    detachVnic: (domain: string, req: { mac: string }, o?: CallOptions) =>
      call("detachVnic", { name: domain }, req, o),
    migrateDomain: (name: string, req: z.input<typeof MigrateRequest>, o?: CallOptions) =>
      call("migrateDomain", { name }, req, o),
    /** Sim hosts only: the next `times` calls of `call` fail (the Linux backend: UNSUPPORTED). */
    injectFault: (req: z.input<typeof InjectFaultRequest>, o?: CallOptions) =>
      call("injectFault", {}, req, o),
    /** Agent-to-agent: the target side of a sim migration. */
    acceptMigration: (spec: z.input<typeof DomainSpec>, start: boolean, o?: CallOptions) =>
      call("acceptMigration", {}, { spec, start }, o),

    listFdb: (pfName: string, o?: CallOptions) => call("listFdb", { pf: pfName }, undefined, o),
    addFdb: (pfName: string, mac: string, o?: CallOptions) =>
      call("addFdb", { pf: pfName, mac }, undefined, o),
    removeFdb: (pfName: string, mac: string, o?: CallOptions) =>
      call("removeFdb", { pf: pfName, mac }, undefined, o),

    /**
     * Starts a split and polls until it ends. Resolves with the succeeded task; throws AgentError
     * with the task's code when it fails. If the agent restarted and forgot the task, the call is
     * re-issued with the same operation id, which the agent treats as the same request.
     */
    async setVfCountAndWait(
      pciAddress: string,
      count: number,
      opts: SetVfCountAndWaitOptions,
    ): Promise<Task> {
      const pollMs = opts.pollMs ?? 500;
      const started = Date.now();
      const deadline = started + (opts.timeoutMs ?? 600_000);
      const { taskId } = await client.setVfCount(pciAddress, count, {
        operationId: opts.operationId,
      });
      let lastProgress = "";
      let seen: Task | null = null;
      for (;;) {
        let task: Task;
        try {
          task =
            opts.waitMs === undefined
              ? await client.getTask(taskId)
              : await client.waitForTask(taskId, {
                  waitMs: opts.waitMs,
                  untilDone: nextProgressStep(seen),
                });
        } catch (error) {
          if (error instanceof AgentError && error.code === "NOT_FOUND") {
            await client.setVfCount(pciAddress, count, { operationId: opts.operationId });
            continue;
          }
          throw error;
        }
        seen = task;
        const progress = `${task.state}:${task.progress.done}/${task.progress.total}`;
        if (progress !== lastProgress) {
          lastProgress = progress;
          opts.onProgress?.(task);
        }
        if (task.state === "succeeded") return task;
        if (task.state === "failed") {
          const code = task.error?.code ?? "INTERNAL";
          throw new AgentError(code, task.error?.message ?? "task failed", { details: { task } });
        }
        if (Date.now() >= deadline) {
          throw new AgentError(
            "TIMEOUT",
            `task ${taskId} still running after ${opts.timeoutMs ?? 600_000} ms`,
            {
              details: { task },
            },
          );
        }
        if (opts.waitMs === undefined)
          await sleep(typeof pollMs === "number" ? pollMs : pollMs(task, Date.now() - started));
      }
    },
  };
  return client;
}

export type AgentClient = ReturnType<typeof createAgentClient>;

function validationError(name: string, part: string, error: z.ZodError): AgentError {
  return new AgentError("VALIDATION", `${name}: invalid ${part}`, {
    details: { issues: error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
  });
}

function toStringRecord(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = String(v);
  return out;
}
