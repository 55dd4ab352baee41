/**
 * Runs a Node program in a fresh process, as a user's shell does, and measures it: wall time from
 * spawn to exit, when its first byte of standard output arrived, and (through the processStats.ts
 * preload) the CPU time of all its threads and its peak resident set size. Standard output is
 * counted, not kept, so a large JSON report costs the bench nothing.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ProcessStats } from './processStats';

const PRELOAD = resolve(__dirname, 'processStats.js');

export interface ProcessSample extends ProcessStats {
  readonly wallMs: number;
  /** From spawn to the first byte on standard output; NaN when it wrote none. */
  readonly firstOutputMs: number;
  readonly stdoutBytes: number;
  /** The first line of standard output, for a note (a baseline prints what it read). */
  readonly firstLine: string;
}

let statsDir: string | undefined;
let counter = 0;

/**
 * Runs `node [nodeFlags] script args` and resolves with its measurements; rejects when it exits with
 * a status other than okStatuses (check exits 1 when it found something).
 */
export function runMeasured(
  script: string,
  args: readonly string[],
  options: { readonly nodeFlags?: readonly string[]; readonly okStatuses?: readonly number[]; readonly cwd?: string } = {},
): Promise<ProcessSample> {
  statsDir ??= mkdtempSync(join(tmpdir(), 'image-aware-bench-stats-'));
  const statsFile = join(statsDir, `${process.pid}-${counter++}.json`);
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? tmpdir(), BENCH_PROCESS_STATS: statsFile };
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--require', PRELOAD, script, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let firstOutputMs = NaN;
    let stdoutBytes = 0;
    let head = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdoutBytes === 0) firstOutputMs = performance.now() - start;
      stdoutBytes += chunk.length;
      if (head.length < 200) head += chunk.toString('utf8', 0, Math.min(chunk.length, 200));
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (status) => {
      const wallMs = performance.now() - start;
      if (!(options.okStatuses ?? [0]).includes(status ?? -1)) {
        reject(new Error(`${script} ${args.join(' ')} exited with ${status}: ${stderr.slice(0, 1000)}`));
        return;
      }
      let stats: ProcessStats;
      try {
        stats = JSON.parse(readFileSync(statsFile, 'utf8')) as ProcessStats;
        rmSync(statsFile);
      } catch (e) {
        reject(new Error(`${script} left no statistics in ${statsFile}: ${String(e)}`));
        return;
      }
      resolvePromise({ ...stats, wallMs, firstOutputMs, stdoutBytes, firstLine: head.split('\n')[0] });
    });
  });
}

/** Removes the folder the statistics files were written to. */
export function removeStatsDir(): void {
  if (statsDir) rmSync(statsDir, { recursive: true, force: true });
  statsDir = undefined;
}
