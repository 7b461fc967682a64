import type { NumaNode } from "@virtfn/agent-client";
import { readDirOrEmpty, readTrimmed, type SysfsIo } from "../platform/io";

// NUMA locality, as the kernel shows it: a PCI device's numa_node file, and one
// devices/system/node/nodeN directory per node with its cpulist and per-node meminfo.

/** The number of CPUs in a kernel cpulist ("0-19,40-59" has 40); empty means none. */
export function cpuListCount(list: string): number {
  let count = 0;
  for (const part of list.split(",")) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m?.[1]) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi >= lo) count += hi - lo + 1;
  }
  return count;
}

/** "Node 0 MemTotal:  98304 kB" from a node's meminfo, in MiB; 0 when absent. */
export function parseNodeMemTotalMiB(meminfo: string): number {
  const m = /^Node\s+\d+\s+MemTotal:\s+(\d+) kB/m.exec(meminfo);
  return m?.[1] === undefined ? 0 : Math.floor(Number(m[1]) / 1024);
}

/** The host's NUMA nodes in id order; none when the kernel has no node directory. */
export async function readNumaTopology(sys: SysfsIo): Promise<NumaNode[]> {
  const entries = await readDirOrEmpty(sys, "devices/system/node");
  const ids = entries
    .map((entry) => /^node(\d+)$/.exec(entry)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  return Promise.all(
    ids.map(async (id) => {
      const dir = `devices/system/node/node${id}`;
      const [cpuList, meminfo] = await Promise.all([
        readTrimmed(sys, `${dir}/cpulist`),
        readTrimmed(sys, `${dir}/meminfo`),
      ]);
      return {
        id,
        cpuList: cpuList ?? "",
        cpuCount: cpuListCount(cpuList ?? ""),
        memoryMiB: parseNodeMemTotalMiB(meminfo ?? ""),
      };
    }),
  );
}

/** A PCI function's NUMA node; null for -1 (the platform gave no locality) or no file. */
export async function readPciNumaNode(sys: SysfsIo, pci: string): Promise<number | null> {
  const raw = await readTrimmed(sys, `bus/pci/devices/${pci}/numa_node`);
  const node = raw === null ? NaN : Number(raw);
  return Number.isInteger(node) && node >= 0 ? node : null;
}
