import path from "node:path";
import type { RouteName } from "@virtfn/agent-client";
import type { HostProfile } from "../profiles/schema";
import { startAgent, type RunningAgent } from "./start";

export interface SimFleetOptions {
  /** Each host keeps its state in <baseDir>/<name>, so a restarted fleet finds its VFs and domains. */
  baseDir: string;
  /** Each host may have its own agent token (the control plane stores one per host). */
  hosts: Array<{
    name: string;
    port: number;
    profile: HostProfile | string;
    perVfDelayMs?: number;
    token?: string;
  }>;
  /** The token of hosts that do not bring their own. */
  token: string;
  host?: string;
  perVfDelayMs?: number;
  log?: (line: string) => void;
  /** Told of every request any agent of the fleet gets (see AppOptions). */
  onRequest?: (host: string, route: RouteName) => void;
}

export interface SimFleet {
  agents: Array<RunningAgent & { name: string }>;
  close(): Promise<void>;
}

/** Several sim agents in one process, for `npm start` and multi-host tests (migration). */
export async function startSimFleet(options: SimFleetOptions): Promise<SimFleet> {
  const agents: SimFleet["agents"] = [];
  const close = async () => {
    await Promise.all(agents.map((a) => a.close()));
  };
  try {
    for (const h of options.hosts) {
      if (!/^[A-Za-z0-9_.-]+$/.test(h.name)) throw new Error(`invalid sim host name ${h.name}`);
      const perVfDelayMs = h.perVfDelayMs ?? options.perVfDelayMs;
      const running = await startAgent({
        port: h.port,
        token: h.token ?? options.token,
        backend: "sim",
        sim: {
          stateDir: path.join(options.baseDir, h.name),
          profile: h.profile,
          ...(perVfDelayMs === undefined ? {} : { perVfDelayMs }),
        },
        ...(options.host === undefined ? {} : { host: options.host }),
        ...(options.log === undefined
          ? {}
          : { log: (line: string) => options.log?.(`[${h.name}] ${line}`) }),
        ...(options.onRequest === undefined
          ? {}
          : { onRequest: (route: RouteName) => options.onRequest?.(h.name, route) }),
      });
      agents.push({ ...running, name: h.name });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { agents, close };
}
