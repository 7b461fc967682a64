// CPU time of processes on Linux, from /proc, so that a benchmark can say which process its time
// went to (workers, sim agents, Postgres) rather than guess.
import { readdirSync, readFileSync } from "node:fs";

// USER_HZ: the unit of /proc/<pid>/stat's times; 100 on every Linux this runs on.
const TICKS_PER_SECOND = 100;

interface Stat {
  ppid: number;
  /** utime + stime, and cutime + cstime (children that exited and were waited for). */
  self: number;
  reaped: number;
}

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: fields count from after it.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const at = (field: number) => Number(fields[field - 3]);
    return { ppid: at(4), self: at(14) + at(15), reaped: at(16) + at(17) };
  } catch {
    return null;
  }
}

/** CPU seconds the process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  return (readStat(pid)?.self ?? 0) / TICKS_PER_SECOND;
}

/**
 * CPU seconds of the process and all of its children, live or exited (Postgres: the postmaster
 * and every backend it forked).
 */
export function treeCpuSeconds(rootPid: number): number {
  const root = readStat(rootPid);
  if (!root) return 0;
  let ticks = root.self + root.reaped;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat?.ppid === rootPid) ticks += stat.self;
  }
  return ticks / TICKS_PER_SECOND;
}

/** The pid of the Postgres server listening on `port` (its postmaster), if it runs here. */
export function postmasterPid(port: number): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const p = args.indexOf("-p");
      if (args[0]?.endsWith("/postgres") && p >= 0 && args[p + 1] === String(port))
        return Number(entry);
    } catch {
      // Gone while listed.
    }
  }
  return null;
}

/** The pid of the redis-server listening on `port`, if it runs here. */
export function redisServerPid(port: number): number | null {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (!args[0]?.includes("redis-server")) continue;
      const p = args.indexOf("--port");
      if ((p >= 0 && args[p + 1] === String(port)) || args[0].endsWith(`:${port}`))
        return Number(entry);
    } catch {
      // Gone while listed.
    }
  }
  return null;
}
