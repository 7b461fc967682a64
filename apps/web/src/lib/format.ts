export function relativeTime(date: Date | null | undefined, now: number = Date.now()): string {
  if (!date) return "never";
  // `now` ticks coarsely; a fresher timestamp than `now` is "just now", never "in the future".
  const seconds = Math.round((Math.max(now, Date.now()) - date.getTime()) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

export function dateTime(date: Date | null | undefined): string {
  if (!date) return "—";
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

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

export function duration(start: Date | null, end: Date | null, now: number = Date.now()): string {
  if (!start) return "—";
  const ms = Math.max(0, (end ? end.getTime() : Math.max(now, Date.now())) - start.getTime());
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
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
