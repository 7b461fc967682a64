import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { hostProfileNames } from "./profiles/load";
import type { StartAgentOptions } from "./server/start";

const Config = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(7443),
    host: z.string().min(1).default("127.0.0.1"),
    token: z.string().min(16, "the token must be at least 16 characters"),
    backend: z.enum(["linux", "sim"]).default("linux"),
    sysRoot: z.string().default("/sys"),
    procRoot: z.string().default("/proc"),
    simProfile: z.enum(hostProfileNames).optional(),
    simStateDir: z.string().optional(),
    perVfDelayMs: z.coerce.number().int().min(0).optional(),
    tlsCert: z.string().optional(),
    tlsKey: z.string().optional(),
    tlsClientCa: z.string().optional(),
  })
  .refine((c) => (c.tlsCert === undefined) === (c.tlsKey === undefined), {
    message: "TLS needs both VIRTFN_AGENT_TLS_CERT and VIRTFN_AGENT_TLS_KEY",
  })
  .refine((c) => c.tlsClientCa === undefined || c.tlsCert !== undefined, {
    message: "VIRTFN_AGENT_TLS_CLIENT_CA (mTLS) needs a server certificate too",
  })
  .refine(
    (c) => c.backend !== "sim" || (c.simProfile !== undefined && c.simStateDir !== undefined),
    {
      message: "the sim backend needs VIRTFN_SIM_PROFILE and VIRTFN_SIM_STATE_DIR",
    },
  );

export const usage = `virtfn-agent: the virtfn host agent

  --port N            VIRTFN_AGENT_PORT        listen port (default 7443; 0 = any)
  --host ADDR         VIRTFN_AGENT_HOST        listen address (default 127.0.0.1)
  --token T           VIRTFN_AGENT_TOKEN       shared bearer token (>= 16 chars)
  --token-file F      VIRTFN_AGENT_TOKEN_FILE  read the token from a file (preferred over env)
  --backend B         VIRTFN_AGENT_BACKEND     linux (default) or sim
  --sys-root DIR      VIRTFN_SYS_ROOT          sysfs root (default /sys)
  --proc-root DIR     VIRTFN_PROC_ROOT         procfs root (default /proc)
  --sim-profile NAME  VIRTFN_SIM_PROFILE       ${hostProfileNames.join(" | ")}
  --sim-state-dir DIR VIRTFN_SIM_STATE_DIR     where the sim host keeps its disk state
  --per-vf-delay-ms N VIRTFN_SIM_PER_VF_DELAY_MS  sim driver delay per VF (default 30)
  --tls-cert FILE     VIRTFN_AGENT_TLS_CERT    serve HTTPS with this certificate (PEM)
  --tls-key FILE      VIRTFN_AGENT_TLS_KEY     and this key
  --tls-client-ca F   VIRTFN_AGENT_TLS_CLIENT_CA  require client certificates from this CA (mTLS)
`;

/** Flags win over environment variables; the token may come from a file so it stays out of `ps` and unit files. */
export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv): StartAgentOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      token: { type: "string" },
      "token-file": { type: "string" },
      backend: { type: "string" },
      "sys-root": { type: "string" },
      "proc-root": { type: "string" },
      "sim-profile": { type: "string" },
      "sim-state-dir": { type: "string" },
      "per-vf-delay-ms": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "tls-client-ca": { type: "string" },
    },
    strict: true,
  });
  const tokenFile = values["token-file"] ?? env.VIRTFN_AGENT_TOKEN_FILE;
  const token =
    values.token ??
    env.VIRTFN_AGENT_TOKEN ??
    (tokenFile === undefined ? undefined : readFileSync(tokenFile, "utf8").trim());
  const c = Config.parse({
    port: values.port ?? env.VIRTFN_AGENT_PORT,
    host: values.host ?? env.VIRTFN_AGENT_HOST,
    token,
    backend: values.backend ?? env.VIRTFN_AGENT_BACKEND,
    sysRoot: values["sys-root"] ?? env.VIRTFN_SYS_ROOT,
    procRoot: values["proc-root"] ?? env.VIRTFN_PROC_ROOT,
    simProfile: values["sim-profile"] ?? env.VIRTFN_SIM_PROFILE,
    simStateDir: values["sim-state-dir"] ?? env.VIRTFN_SIM_STATE_DIR,
    perVfDelayMs: values["per-vf-delay-ms"] ?? env.VIRTFN_SIM_PER_VF_DELAY_MS,
    tlsCert: values["tls-cert"] ?? env.VIRTFN_AGENT_TLS_CERT,
    tlsKey: values["tls-key"] ?? env.VIRTFN_AGENT_TLS_KEY,
    tlsClientCa: values["tls-client-ca"] ?? env.VIRTFN_AGENT_TLS_CLIENT_CA,
  });
  const tls =
    c.tlsCert === undefined || c.tlsKey === undefined
      ? {}
      : {
          tls: {
            cert: readFileSync(c.tlsCert),
            key: readFileSync(c.tlsKey),
            ...(c.tlsClientCa === undefined ? {} : { ca: readFileSync(c.tlsClientCa) }),
          },
        };
  const base = { port: c.port, host: c.host, token: c.token, ...tls };
  if (c.backend === "linux")
    return { ...base, backend: "linux", linux: { sysRoot: c.sysRoot, procRoot: c.procRoot } };
  return {
    ...base,
    backend: "sim",
    sim: {
      // The refine above guarantees both; the fallbacks only satisfy the type checker.
      stateDir: c.simStateDir ?? "",
      profile: c.simProfile ?? "",
      ...(c.perVfDelayMs === undefined ? {} : { perVfDelayMs: c.perVfDelayMs }),
    },
  };
}
