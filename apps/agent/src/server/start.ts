import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { RouteName } from "@virtfn/agent-client";
import type { HostAgent } from "../agent/host-agent";
import { createLinuxBackend, type LinuxBackendOptions } from "../backends/linux";
import { createSimBackend, type BackendHandle } from "../backends/sim";
import type { Clock } from "../platform/clock";
import type { CommandRunner } from "../platform/runner";
import { loadHostProfile } from "../profiles/load";
import type { HostProfile } from "../profiles/schema";
import { createApp } from "./app";

export interface StartAgentOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: exposing the agent is a deliberate choice (see README, mTLS). */
  host?: string;
  token: string;
  backend: "linux" | "sim";
  linux?: LinuxBackendOptions & { sysRoot?: string; procRoot?: string; runner?: CommandRunner };
  sim?: {
    stateDir: string;
    /** A HostProfile, or the name of one in profiles/hosts. */
    profile: HostProfile | string;
    perVfDelayMs?: number;
    clock?: Clock;
    vfPollMs?: number;
  };
  /**
   * Serve HTTPS; with `ca` the agent requires client certificates signed by it (mTLS).
   * PEM strings or buffers, as node:https takes them.
   */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer };
  log?: (line: string) => void;
  /** Told of every request to a known route (see AppOptions). */
  onRequest?: (route: RouteName) => void;
}

export interface RunningAgent {
  url: string;
  port: number;
  agent: HostAgent;
  close(): Promise<void>;
}

async function createBackend(options: StartAgentOptions): Promise<BackendHandle> {
  if (options.backend === "linux") return createLinuxBackend(options.linux ?? {});
  const sim = options.sim;
  if (sim === undefined) throw new Error('backend "sim" needs sim.stateDir and sim.profile');
  return createSimBackend({
    stateDir: sim.stateDir,
    profile: typeof sim.profile === "string" ? loadHostProfile(sim.profile) : sim.profile,
    ...(sim.perVfDelayMs === undefined ? {} : { perVfDelayMs: sim.perVfDelayMs }),
    ...(sim.clock === undefined ? {} : { clock: sim.clock }),
    ...(sim.vfPollMs === undefined ? {} : { vfPollMs: sim.vfPollMs }),
  });
}

function listen(server: ServerType): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.once("listening", () => {
      const address = server.address();
      if (address === null || typeof address === "string")
        reject(new Error("server has no TCP address"));
      else resolve(address);
    });
  });
}

export async function startAgent(options: StartAgentOptions): Promise<RunningAgent> {
  if (options.token.length < 16) throw new Error("the agent token must be at least 16 characters");
  const backend = await createBackend(options);
  const app = createApp(backend.agent, {
    token: options.token,
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  });
  const hostname = options.host ?? "127.0.0.1";
  // overrideGlobalObjects stays off: the worker and tests run clients in the same process.
  const tls = options.tls;
  const server =
    tls === undefined
      ? serve({ fetch: app.fetch, port: options.port, hostname, overrideGlobalObjects: false })
      : serve({
          fetch: app.fetch,
          port: options.port,
          hostname,
          overrideGlobalObjects: false,
          createServer: createHttpsServer,
          serverOptions: {
            key: tls.key,
            cert: tls.cert,
            ...(tls.ca === undefined
              ? {}
              : { ca: tls.ca, requestCert: true, rejectUnauthorized: true }),
            minVersion: "TLSv1.2",
          },
        });
  let address: AddressInfo;
  try {
    address = await listen(server);
  } catch (error) {
    await backend.close();
    throw error;
  }
  const urlHost = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closing: Promise<void> | undefined;
  return {
    url: `${tls === undefined ? "http" : "https"}://${urlHost}:${address.port}`,
    port: address.port,
    agent: backend.agent,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive sockets would hold close() open; nothing of value is in flight on them.
          if ("closeAllConnections" in server) server.closeAllConnections();
        });
        await backend.close();
      })();
      return closing;
    },
  };
}
