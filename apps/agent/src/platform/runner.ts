import { execFile } from "node:child_process";

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Every external command (virsh, bridge, ip, dmesg, journalctl, grubby, modprobe, lspci) goes through
 * this, so tests and the sim can answer them and the Linux backend never shells out directly.
 * A non-zero exit is a result, not an exception; a missing binary is exitCode 127.
 */
export interface CommandRunner {
  run(
    command: string,
    args: readonly string[],
    options?: { input?: string; timeoutMs?: number },
  ): Promise<CommandResult>;
}

export class NodeCommandRunner implements CommandRunner {
  run(
    command: string,
    args: readonly string[],
    options: { input?: string; timeoutMs?: number } = {},
  ): Promise<CommandResult> {
    return new Promise((resolve) => {
      const child = execFile(
        command,
        [...args],
        // LC_ALL=C so the parsers see English messages from virsh and friends.
        {
          timeout: options.timeoutMs ?? 120_000,
          maxBuffer: 64 * 1024 * 1024,
          env: { ...process.env, LC_ALL: "C" },
        },
        (error, stdout, stderr) => {
          if (error === null) {
            resolve({ stdout, stderr, exitCode: 0 });
            return;
          }
          // execFile reports a missing binary as code 'ENOENT' and an exit status as a number.
          const code: unknown = error.code;
          const exitCode = code === "ENOENT" ? 127 : typeof code === "number" ? code : 1;
          resolve({ stdout, stderr: stderr === "" ? error.message : stderr, exitCode });
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }
}

/** Routes commands by name; used to put a fake virsh in front of the sim's host commands. */
export function routeCommands(
  routes: Record<string, CommandRunner>,
  fallback: CommandRunner,
): CommandRunner {
  return {
    run: (command, args, options) => (routes[command] ?? fallback).run(command, args, options),
  };
}
