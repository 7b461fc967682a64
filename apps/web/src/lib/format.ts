// The time formats live in time-format.ts (ClockText takes them alone); here for the others.
export { dateTime, duration, relativeTime } from "./time-format";

export function memory(mib: number): string {
  if (mib <= 0) return "—";
  if (mib >= 1024) return `${(mib / 1024).toFixed(mib % 1024 === 0 ? 0 : 1)} GiB`;
  return `${mib} MiB`;
}

export function speed(mbps: number | null): string {
  if (mbps === null || mbps <= 0) return "—";
  if (mbps >= 1000) return `${mbps / 1000} Gb/s`;
  return `${mbps} Mb/s`;
}

/** "2 NICs · 1 VF", "1 NIC". */
export function nicSummary(nicCount: number, vfCount: number): string {
  const nics = `${nicCount} NIC${nicCount === 1 ? "" : "s"}`;
  return vfCount > 0 ? `${nics} · ${vfCount} VF${vfCount === 1 ? "" : "s"}` : nics;
}

/** 1000 → "1 Mb/s", 1500000 → "1.5 Gb/s", 64 → "64 kb/s". */
export function kbps(value: number | null): string {
  if (value === null) return "—";
  if (value >= 1_000_000) return `${+(value / 1_000_000).toFixed(2)} Gb/s`;
  if (value >= 1000) return `${+(value / 1000).toFixed(2)} Mb/s`;
  return `${value} kb/s`;
}
