// Times as the console shows them. Apart from format.ts: ClockText is on every list, and the
// bundler keeps a module whole, so the other formats would ship with it.

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

export function duration(start: Date | null, end: Date | null, now: number = Date.now()): string {
  if (!start) return "—";
  const ms = Math.max(0, (end ? end.getTime() : Math.max(now, Date.now())) - start.getTime());
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
