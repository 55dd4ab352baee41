/**
 * Timing helpers shared by the benchmarks. Machines are noisy, so every figure is a median of
 * several runs after warm-up runs, and comparisons are printed as ratios against baselines measured
 * in the same process and the same run. No GC is forced between samples: a forced full GC leaves
 * V8's concurrent sweeper threads running into the next sample, which on a small machine slows it
 * more than the garbage it removed would have.
 * Also what the benchmarks share besides: their numeric command-line options, and running a program
 * (a CLI, kubectl, buildah) to completion without blocking the servers that live in this process.
 */
import { spawn } from 'node:child_process';
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

export function summarize(samples: readonly number[]): Timing {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples), runs: samples.length };
}

let gcFunction: (() => void) | undefined;

/**
 * A full garbage collection, for memory measurements. Without --expose-gc on the command line the flag is set at run time and
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

export interface Case {
  readonly name: string;
  /** Called with a counter that increases with every call of this case, warm-up included. */
  readonly fn: (i: number) => unknown;
  readonly runs: number;
  readonly warmup: number;
  /** Runs untimed after each call, e.g. to drop a cache the call filled; a promise it returns is awaited. */
  readonly after?: () => unknown;
}

/**
 * Times the cases interleaved: each round calls every case once (while it still has warm-up or
 * timed runs left), so load from other processes that comes and goes hits all cases alike and the
 * ratios between them stay meaningful even when the absolute times do not. A case whose fn returns
 * a promise is timed until the promise settles.
 */
export async function timeInterleaved(cases: readonly Case[]): Promise<Map<string, Timing>> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const rounds = Math.max(...cases.map((c) => c.warmup + c.runs));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      if (round >= c.warmup + c.runs) continue;
      const start = performance.now();
      const result = c.fn(round);
      if (result instanceof Promise) await result;
      const elapsed = performance.now() - start;
      if (round >= c.warmup) samples.get(c.name)!.push(elapsed);
      const cleanup = c.after?.();
      if (cleanup instanceof Promise) await cleanup;
    }
  }
  return new Map([...samples].map(([name, values]) => [name, summarize(values)]));
}

/** A plain-text table with right-aligned columns after the first. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: readonly string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function ms(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function verdict(ok: boolean): string {
  return ok ? 'OK' : 'MISSED';
}

/** The `--name VALUE` option of this process, or undefined. */
export function stringOption(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : undefined;
}

/** The `--name N` option of this process, or `fallback`. */
export function option(name: string, fallback: number): number {
  const value = stringOption(name);
  return value === undefined ? fallback : Number(value);
}

export interface ProgramResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion, asynchronously (a server in this process must keep answering it). */
export function runProgram(
  command: string,
  args: readonly string[],
  options: { readonly env: Record<string, string>; readonly cwd?: string },
): Promise<ProgramResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}
