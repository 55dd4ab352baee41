/**
 * Timing helpers shared by the benchmarks. Machines are noisy, so every figure is a median of
 * several runs after warm-up runs, and comparisons are printed as ratios against baselines measured
 * in the same process and the same run. A full GC runs before every timed sample, so no sample pays
 * for the garbage of the one before.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface Timing {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(samples: readonly number[]): Timing {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), runs: samples.length };
}

let gcFunction: (() => void) | undefined;

/**
 * A full garbage collection. Without --expose-gc on the command line the flag is set at run time and
 * the `gc` function taken from a fresh context, which V8 then creates with it.
 */
export function collect(): void {
  if (!gcFunction) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gcFunction = exposed;
    else {
      setFlagsFromString('--expose-gc');
      gcFunction = runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}

/** Runs fn(i) `warmup` times untimed, then `runs` times timed; i counts up across all calls. */
export function timeSync(runs: number, warmup: number, fn: (i: number) => unknown): Timing {
  let i = 0;
  for (let w = 0; w < warmup; w++) fn(i++);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    collect();
    const start = performance.now();
    fn(i++);
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

export async function timeAsync(runs: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  let i = 0;
  for (let w = 0; w < warmup; w++) await fn(i++);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    collect();
    const start = performance.now();
    await fn(i++);
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

/** A plain-text table with right-aligned columns after the first. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function verdict(ok: boolean): string {
  return ok ? 'OK' : 'MISSED';
}
