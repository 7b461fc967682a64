// Plain Node: bootstrap.mjs runs before anything is installed or compiled.
import { spawn } from "node:child_process";
import { constants } from "node:os";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs an orchestrator (`npm start`'s) in a process group of its own and forwards signals to it
 * alone. Ctrl-C in a terminal signals the whole foreground group at once, so Redis and Postgres
 * used to stop while the worker was still finishing its jobs; only the orchestrator knows the
 * order (web and worker first, the databases last). Whatever is left in the group once the
 * orchestrator has exited (it was interrupted while still starting) gets SIGTERM.
 *
 * @param {string} command
 * @param {string[]} args
 * @param {import("node:child_process").SpawnOptions} options
 * @returns {Promise<number>} the exit code to pass on
 */
export function runInOwnProcessGroup(command, args, options) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit", ...options, detached: true });
    const forward = (/** @type {NodeJS.Signals} */ signal) => {
      child.kill(signal);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      for (const signal of FORWARDED) process.removeListener(signal, forward);
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      } catch {
        // ESRCH: the orchestrator stopped everything it started, as it should.
      }
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
