// Figures that benchmarks print. Benchmarks print; they never pass or fail on time.
export function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

export function stats(samples: number[]): string {
  const mean = samples.reduce((sum, x) => sum + x, 0) / Math.max(1, samples.length);
  const max = samples.reduce((m, x) => Math.max(m, x), 0);
  return `n=${samples.length} mean=${mean.toFixed(1)}ms p50=${quantile(samples, 0.5).toFixed(1)}ms p95=${quantile(samples, 0.95).toFixed(1)}ms p99=${quantile(samples, 0.99).toFixed(1)}ms max=${max.toFixed(1)}ms`;
}

/** "0.23× (virtfn 190/s vs baseline 830/s)": how far virtfn is from the baseline of the same run. */
export function ratio(label: string, value: number, baseline: number, unit: string): string {
  return `${label}: ${(value / baseline).toFixed(3)}× (virtfn ${value.toFixed(1)}${unit} vs baseline ${baseline.toFixed(1)}${unit})`;
}
