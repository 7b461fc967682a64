// Many sim hosts behind one HTTP server, each under its own path prefix (`<url>/h/<name>`, which
// agent-client resolves relative to), with every call recorded. Tests and benchmarks count what
// the control plane did to each host here, at the agents, rather than trusting its own account;
// one server keeps a fleet of thousands cheap. Calls can be delayed (a slow network) or held.
import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createSimBackend, type BackendHandle } from "../backends/sim";
import { OPERATION_HEADER, RECONCILE_CLAIM_HEADER } from "@virtfn/agent-client";
import type { AppliedEffect } from "../hypervisor/sim";
import { loadHostProfile } from "../profiles/load";
import type { HostProfile } from "../profiles/schema";
import { createApp } from "./app";

export interface ObservedCall {
  host: string;
  method: string;
  /** The agent route's path, without the host's prefix: `/v1/snapshot`. */
  path: string;
  /** The operation id the call carried (the OPERATION_HEADER, or a mutating call's body), if any. */
  operationId: string | null;
  /** The reconcile claim the call carried (RECONCILE_CLAIM_HEADER): one per reconcile pass. */
  reconcileClaim: string | null;
  startedAt: number;
  /** Unset while the call is in flight. */
  endedAt?: number;
  status?: number;
}

/** A change a host's sim hypervisor really made, and the operation whose call made it. */
export interface AppliedCall extends AppliedEffect {
  host: string;
  /** Null for calls made for no operation (the reconciler's). */
  operationId: string | null;
  at: number;
}

export interface ObservedSimFleetOptions {
  baseDir: string;
  hosts: Array<{ name: string; profile: HostProfile | string }>;
  token: string;
  perVfDelayMs?: number;
  /** Every call waits this long before the agent handles it (a network and a busy host). */
  latencyMs?: number;
  /** Keep no call records, only the counters (a benchmark's fleet of thousands). */
  countOnly?: boolean;
  /** Told the number of calls in flight each time a call starts (a benchmark's own peak keeping). */
  onCallStart?: (inFlight: number) => void;
  /** The server's port; 0 or unset picks a free one. */
  port?: number;
}

export interface ObservedSimFleet {
  url: string;
  agents: Array<{ name: string; url: string }>;
  /** Every call so far, in the order they started (empty with `countOnly`). */
  calls: ObservedCall[];
  /** Every change applied to a domain, with the operation it was applied for (even with `countOnly`). */
  applied: AppliedCall[];
  /** Calls being handled right now, over the whole fleet. */
  inFlight(): number;
  /** The most calls in flight at once since the start or the last `resetPeak`. */
  peakInFlight(): number;
  /** Calls started since the start. */
  total(): number;
  /** TCP connections accepted since the start: far fewer than calls when clients keep them alive. */
  connections(): number;
  resetPeak(): void;
  /** Calls matching `holds` wait until it is replaced (by `null`, say), re-checked every 20 ms. */
  hold(holds: ((call: ObservedCall) => boolean) | null): void;
  close(): Promise<void>;
}

const HOST_PREFIX = /^\/h\/([A-Za-z0-9_.-]+)(\/.*)$/;

function operationIdOf(body: string): string | null {
  if (body === "") return null;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "operationId" in parsed) {
      const id = parsed.operationId;
      return typeof id === "string" ? id : null;
    }
  } catch {
    // Not JSON: the agent answers it with its own validation error.
  }
  return null;
}

function headerOf(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" && value !== "" ? value : null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startObservedSimFleet(
  options: ObservedSimFleetOptions,
): Promise<ObservedSimFleet> {
  const applied: AppliedCall[] = [];
  // Which call a change happens in: the agent's mutex chains its work onto promises created in
  // the call, so the store follows the call into the hypervisor.
  const current = new AsyncLocalStorage<ObservedCall>();
  const apps = new Map<string, ReturnType<typeof createApp>>();
  const backends: BackendHandle[] = [];
  const profiles = new Map<string, HostProfile>();
  const profileOf = (profile: HostProfile | string): HostProfile => {
    if (typeof profile !== "string") return profile;
    let loaded = profiles.get(profile);
    if (!loaded) {
      loaded = loadHostProfile(profile);
      profiles.set(profile, loaded);
    }
    return loaded;
  };
  // A few at a time: each host's sim writes its state tree to disk, which overlaps well.
  for (let from = 0; from < options.hosts.length; from += 16) {
    await Promise.all(
      options.hosts.slice(from, from + 16).map(async (host) => {
        if (!/^[A-Za-z0-9_.-]+$/.test(host.name))
          throw new Error(`invalid sim host name ${host.name}`);
        const backend = await createSimBackend({
          stateDir: path.join(options.baseDir, host.name),
          profile: profileOf(host.profile),
          onApplied: (effect: AppliedEffect) => {
            const call = current.getStore();
            applied.push({
              ...effect,
              host: host.name,
              operationId: call?.operationId ?? null,
              at: Date.now(),
            });
          },
          ...(options.perVfDelayMs === undefined ? {} : { perVfDelayMs: options.perVfDelayMs }),
        });
        backends.push(backend);
        apps.set(host.name, createApp(backend.agent, { token: options.token }));
      }),
    );
  }

  const calls: ObservedCall[] = [];
  let inFlight = 0;
  let peak = 0;
  let total = 0;
  let holds: ((call: ObservedCall) => boolean) | null = null;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const match = HOST_PREFIX.exec(req.url ?? "");
    const app = match ? apps.get(match[1] ?? "") : undefined;
    if (!match || !app) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const call: ObservedCall = {
      host: match[1] ?? "",
      method: req.method ?? "GET",
      path: (match[2] ?? "/").split("?")[0] ?? "/",
      operationId: headerOf(req, OPERATION_HEADER) ?? operationIdOf(body),
      reconcileClaim: headerOf(req, RECONCILE_CLAIM_HEADER),
      startedAt: Date.now(),
    };
    if (options.countOnly !== true) calls.push(call);
    total += 1;
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    options.onCallStart?.(inFlight);
    try {
      if (options.latencyMs) await sleep(options.latencyMs);
      while (holds?.(call) === true && !req.socket.destroyed) await sleep(20);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
      }
      const answer = await current.run(call, () =>
        app.fetch(
          new Request(`http://agent${match[2] ?? "/"}`, {
            method: call.method,
            headers,
            ...(body === "" || call.method === "GET" ? {} : { body }),
          }),
        ),
      );
      const text = await answer.text();
      call.status = answer.status;
      res.writeHead(answer.status, { "content-type": "application/json" }).end(text);
    } finally {
      call.endedAt = Date.now();
      inFlight -= 1;
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  let connections = 0;
  server.on("connection", () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    agents: options.hosts.map((host) => ({ name: host.name, url: `${url}/h/${host.name}` })),
    calls,
    applied,
    inFlight: () => inFlight,
    peakInFlight: () => peak,
    total: () => total,
    connections: () => connections,
    resetPeak: () => {
      peak = inFlight;
    },
    hold: (next) => {
      holds = next;
    },
    async close() {
      holds = null;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all(backends.map((backend) => backend.close()));
    },
  };
}
