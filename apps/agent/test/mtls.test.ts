import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { request } from "node:https";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startAgent, type RunningAgent } from "../src/index";
import { TOKEN, tempDir } from "./helpers";

const run = promisify(execFile);

/** A throwaway CA with a server certificate for 127.0.0.1 and a client certificate. */
async function pki(dir: string) {
  const o = (...args: string[]) => run("openssl", args, { cwd: dir });
  await o(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-subj",
    "/CN=virtfn-test-ca",
    "-days",
    "1",
  );
  for (const [name, ext] of [
    ["server", "subjectAltName=IP:127.0.0.1"],
    ["client", "extendedKeyUsage=clientAuth"],
  ] as const) {
    await o(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    );
    await writeFile(path.join(dir, `${name}.ext`), `${ext}\n`);
    await o(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.crt`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    );
  }
  const read = (f: string) => readFile(path.join(dir, f), "utf8");
  return {
    ca: await read("ca.crt"),
    serverKey: await read("server.key"),
    serverCert: await read("server.crt"),
    clientKey: await read("client.key"),
    clientCert: await read("client.crt"),
  };
}

function get(url: string, options: { ca: string; key?: string; cert?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/health`, { ...options, method: "GET" }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

let agent: RunningAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

describe("mTLS", { timeout: 30_000 }, () => {
  it("serves HTTPS and requires a client certificate signed by the configured CA", async () => {
    const dir = await tempDir();
    const p = await pki(dir);
    agent = await startAgent({
      port: 0,
      token: TOKEN,
      backend: "sim",
      sim: { stateDir: path.join(dir, "state"), profile: "kvm-e810" },
      tls: { key: p.serverKey, cert: p.serverCert, ca: p.ca },
    });
    expect(agent.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await get(agent.url, { ca: p.ca, key: p.clientKey, cert: p.clientCert })).toBe(200);
    await expect(get(agent.url, { ca: p.ca })).rejects.toThrow();
  });
});
