// A small line chart of rates over time (no axes library: two polylines in an SVG that scales to
// its box). Used by the VM page's per-NIC traffic chart.

export interface RateSeries {
  label: string;
  color: string;
  /** One point per sample; null where the rate is unknown (a counter reset, an absent counter). */
  points: Array<{ at: Date; value: number | null }>;
}

const WIDTH = 600;
const HEIGHT = 120;

/** Polyline segments of one series; a null point breaks the line. */
function segments(series: RateSeries, t0: number, span: number, max: number): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const { at, value } of series.points) {
    if (value === null) {
      if (current.length > 0) out.push(current.join(" "));
      current = [];
      continue;
    }
    const x = span === 0 ? WIDTH : ((at.getTime() - t0) / span) * WIDTH;
    const y = HEIGHT - (max === 0 ? 0 : (value / max) * (HEIGHT - 4)) - 2;
    current.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  }
  if (current.length > 0) out.push(current.join(" "));
  return out;
}

export function RateChart({
  series,
  format,
  label,
}: {
  series: RateSeries[];
  format: (value: number) => string;
  /** What the chart shows, for screen readers. */
  label: string;
}) {
  const all = series.flatMap((s) => s.points);
  const times = all.map((p) => p.at.getTime());
  const t0 = Math.min(...times);
  const span = Math.max(...times) - t0;
  const max = Math.max(0, ...all.map((p) => p.value ?? 0));
  return (
    <figure className="rate-chart">
      <ul className="legend">
        {series.map((s) => {
          const last = s.points.at(-1)?.value ?? null;
          return (
            <li key={s.label}>
              <span className="swatch" style={{ background: s.color }} />
              {s.label} {last === null ? "—" : format(last)}
            </li>
          );
        })}
        <li className="rate-chart-max">peak {format(max)}</li>
      </ul>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={label}
      >
        <line x1="0" y1={HEIGHT - 1} x2={WIDTH} y2={HEIGHT - 1} className="rate-chart-axis" />
        {series.flatMap((s) =>
          segments(s, t0, span, max).map((points, i) => (
            <polyline
              key={`${s.label}-${i}`}
              points={points}
              fill="none"
              stroke={s.color}
              strokeWidth="2"
              vectorEffect="non-scaling-stroke"
            />
          )),
        )}
      </svg>
    </figure>
  );
}
