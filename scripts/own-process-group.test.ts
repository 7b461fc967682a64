// npm start on Ctrl-C: the terminal signals its whole foreground group; only the orchestrator
// may decide the order in which the rest stops (scripts/lib/own-process-group.mjs).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "./lib/paths";

const moduleUrl = new URL("./lib/own-process-group.mjs", import.meta.url).href;

// A service the orchestrator started: it notes every signal it gets and stops on SIGTERM.
const serviceScript = `
import { appendFileSync } from "node:fs";
const note = (line) => appendFileSync(process.env.EVENTS, line + "\\n");
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => { note("service got " + signal); if (signal === "SIGTERM") process.exit(0); });
note("service up");
setInterval(() => undefined, 1000);
`;

// The orchestrator: starts the service; on SIGINT (when it handles it) stops the service itself.
const orchestratorScript = `
import { spawn } from "node:child_process";
import { appendFileSync } from "node:fs";
const note = (line) => appendFileSync(process.env.EVENTS, line + "\\n");
const service = spawn(process.execPath, [process.env.SERVICE], { stdio: "ignore" });
if (process.env.HANDLES_SIGINT === "1") {
  process.on("SIGINT", () => {
    note("orchestrator got SIGINT");
    service.once("exit", () => { note("orchestrator stopped the service"); process.exit(0); });
    service.kill("SIGTERM");
  });
}
setInterval(() => undefined, 1000);
`;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ctrlCOnTerminal(
  handlesSigint: boolean,
): Promise<{ events: string[]; code: number | null }> {
  dir = mkdtempSync(path.join(tmpdir(), "virtfn-pgroup-"));
  const events = path.join(dir, "events");
  writeFileSync(events, "");
  const service = path.join(dir, "service.mjs");
  const orchestrator = path.join(dir, "orchestrator.mjs");
  writeFileSync(service, serviceScript);
  writeFileSync(orchestrator, orchestratorScript);
  // The stand-in for bootstrap.mjs leads its own group, as a shell's foreground job does.
  const bootstrap = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { runInOwnProcessGroup } from ${JSON.stringify(moduleUrl)};
       process.exit(await runInOwnProcessGroup(process.execPath, [${JSON.stringify(orchestrator)}], {}));`,
    ],
    {
      cwd: repoRoot,
      detached: true,
      stdio: "ignore",
      env: {
        ...process.env,
        EVENTS: events,
        SERVICE: service,
        HANDLES_SIGINT: handlesSigint ? "1" : "0",
      },
    },
  );
  const exited = new Promise<number | null>((resolve) =>
    bootstrap.once("exit", (code) => resolve(code)),
  );
  const read = () => readFileSync(events, "utf8").split("\n").filter(Boolean);
  const deadline = Date.now() + 20_000;
  while (!read().includes("service up")) {
    if (Date.now() > deadline) throw new Error(`the service never started: ${read().join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
  if (bootstrap.pid === undefined) throw new Error("bootstrap stand-in has no pid");
  process.kill(-bootstrap.pid, "SIGINT");
  const code = await exited;
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { events: read(), code };
}

describe("npm start on Ctrl-C", () => {
  it("only the orchestrator gets the terminal's SIGINT, and it stops the services itself", async () => {
    const { events, code } = await ctrlCOnTerminal(true);
    expect(events).toEqual([
      "service up",
      "orchestrator got SIGINT",
      "service got SIGTERM",
      "orchestrator stopped the service",
    ]);
    expect(code).toBe(0);
  });

  it("an orchestrator interrupted before it handles SIGINT leaves nothing running", async () => {
    const { events, code } = await ctrlCOnTerminal(false);
    expect(events).toEqual(["service up", "service got SIGTERM"]);
    expect(code).toBe(130);
  });
});
