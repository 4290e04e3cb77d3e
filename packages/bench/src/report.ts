// Printing benchmark figures with their targets, and simple statistics.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** The target the issue sets; `value` must be below it. */
  target?: number;
}

export const figures: Figure[] = [];

export function record(figure: Figure): void {
  figures.push(figure);
  const verdict = figure.target === undefined ? '' : figure.value < figure.target ? `  (target < ${figure.target} ${figure.unit}: met)` : `  (target < ${figure.target} ${figure.unit}: MISSED)`;
  process.stdout.write(`${figure.name.padEnd(64)} ${figure.value.toFixed(figure.unit === 'ms' ? 1 : 0).padStart(9)} ${figure.unit}${verdict}\n`);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const median = (values: number[]): number => percentile(values, 50);

/** Runs `fn` `warmup` times unmeasured, then `runs` times; returns each run's milliseconds. */
export function timeRuns(fn: () => void, runs: number, warmup = 1): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

export const mib = (bytes: number): number => bytes / 1024 / 1024;
