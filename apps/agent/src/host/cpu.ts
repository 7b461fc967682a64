export interface CpuInfo {
  vendor: string;
  model: string;
  count: number;
  flags: Set<string>;
}

export function parseCpuinfo(text: string): CpuInfo {
  let vendor = "";
  let model = "";
  let count = 0;
  let flags = new Set<string>();
  for (const line of text.split("\n")) {
    const idx = line.indexOf(":");
    if (idx < 0) continue;
    const key = line.slice(0, idx).trim();
    const value = line.slice(idx + 1).trim();
    if (key === "processor") count += 1;
    else if (key === "vendor_id" && vendor === "") vendor = value;
    else if (key === "model name" && model === "") model = value;
    // Flags are the same on every core; the first block is enough.
    else if (key === "flags" && flags.size === 0) flags = new Set(value.split(/\s+/));
  }
  return { vendor, model, count, flags };
}

export function parseMemTotalMiB(meminfo: string): number {
  const m = /^MemTotal:\s+(\d+) kB/m.exec(meminfo);
  return m?.[1] === undefined ? 0 : Math.floor(Number(m[1]) / 1024);
}
