import { AgentError, type AgentErrorCode } from "@virtfn/agent-client";
import type { Clock } from "../platform/clock";
import { errnoOf, type SysfsIo } from "../platform/io";
import { countVfLinks, pciDir } from "./nics";

export interface ApplyVfCountArgs {
  io: SysfsIo;
  clock: Clock;
  pci: string;
  from: number;
  to: number;
  onProgress: (done: number, total: number) => void;
  /** How often to count virtfn links while the kernel write blocks. */
  pollMs: number;
  /** How long to wait for the links after the write returned (udev can lag on busy hosts). */
  linkTimeoutMs: number;
  /** Lets a closing agent stop waiting; the kernel write itself cannot be cancelled. */
  isCancelled: () => boolean;
}

const errnoCodes: Record<string, AgentErrorCode> = {
  ERANGE: "ERANGE",
  EBUSY: "EBUSY",
  EINVAL: "EINVAL",
  ENOENT: "NOT_FOUND",
  ENODEV: "NOT_FOUND",
};

export function kernelError(error: unknown, what: string): AgentError {
  const errno = errnoOf(error) ?? "EIO";
  const message = error instanceof Error ? error.message : String(error);
  return new AgentError(errnoCodes[errno] ?? "INTERNAL", `${what}: ${errno}: ${message}`, {
    details: { errno },
  });
}

/**
 * Moves sriov_numvfs from `from` to `to` with the kernel's rules: a non-zero value can only be
 * changed by writing 0 first (else EBUSY). Progress counts links removed, then links created.
 * The caller has already checked that no VF is in use.
 */
export async function applyVfCount(args: ApplyVfCountArgs): Promise<void> {
  const { from, to } = args;
  if (from === to) {
    args.onProgress(to, to);
    return;
  }
  const removing = from > 0 ? from : 0;
  const total = removing + to;
  if (removing > 0) {
    await writeAndWatch(args, 0, (links) => args.onProgress(removing - links, total));
  }
  if (to > 0) {
    await writeAndWatch(args, to, (links) => args.onProgress(removing + links, total));
  }
  args.onProgress(total, total);
}

async function writeAndWatch(
  args: ApplyVfCountArgs,
  value: number,
  report: (links: number) => void,
): Promise<void> {
  const file = `${pciDir(args.pci)}/sriov_numvfs`;
  let settled = false;
  let failure: unknown = null;
  const write = args.io.writeFile(file, `${value}\n`).then(
    () => {
      settled = true;
    },
    (error: unknown) => {
      settled = true;
      failure = error;
    },
  );
  while (!settled) {
    report(await countVfLinks(args.io, args.pci));
    await Promise.race([args.clock.sleep(args.pollMs), write]);
  }
  if (failure !== null) throw kernelError(failure, `write ${value} to ${file}`);

  const deadline = args.clock.now() + args.linkTimeoutMs;
  for (;;) {
    const links = await countVfLinks(args.io, args.pci);
    report(links);
    if (links === value) return;
    if (args.isCancelled()) throw new AgentError("INTERNAL", "agent is shutting down");
    if (args.clock.now() >= deadline) {
      throw new AgentError(
        "VF_TIMEOUT",
        `${args.pci}: ${links} virtfn links after ${args.linkTimeoutMs} ms, expected ${value}`,
      );
    }
    await args.clock.sleep(args.pollMs);
  }
}
