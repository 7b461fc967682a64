// How VF traffic counters read on screen. null is a counter the PF driver does not keep: "—",
// never "0".

/** Bytes per second as a bit rate: 1250000 → "10 Mb/s". */
export function bitRate(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null) return "—";
  const bits = bytesPerSecond * 8;
  if (bits >= 1e9) return `${+(bits / 1e9).toFixed(2)} Gb/s`;
  if (bits >= 1e6) return `${+(bits / 1e6).toFixed(2)} Mb/s`;
  if (bits >= 1e3) return `${+(bits / 1e3).toFixed(1)} kb/s`;
  return `${Math.round(bits)} b/s`;
}

// Numbers are grouped the same way on the server and in the browser (a page's server render is
// hydrated against the browser's): the reader's locale could differ from the server's.
const grouped = new Intl.NumberFormat("en-US");

/** A per-second rate of packets or drops: 1234.5 → "1,235/s". */
export function perSecond(value: number | null): string {
  if (value === null) return "—";
  return `${grouped.format(Math.round(value))}/s`;
}

/** A byte total: 1536000000 → "1.54 GB". */
export function byteTotal(value: number | null): string {
  if (value === null) return "—";
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let v = value;
  let unit = 0;
  while (v >= 1000 && unit < units.length - 1) {
    v /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? v : +v.toFixed(2)} ${units[unit]}`;
}

/** A packet or drop total with thousands separators. */
export function countTotal(value: number | null): string {
  return value === null ? "—" : grouped.format(value);
}
