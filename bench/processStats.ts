/**
 * Preloaded into every process a benchmark times (`node --require out/bench/processStats.js …`):
 * when the process exits, it writes what it used to the file BENCH_PROCESS_STATS names: CPU time of
 * all its threads (so CPU time / wall time is the number of cores it kept busy) and its peak resident
 * set size (VmHWM, Linux). Reading them from inside needs no wrapper process and no polling.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

export interface ProcessStats {
  readonly cpuMs: number;
  /** NaN where /proc is missing. */
  readonly peakRssMb: number;
}

function peakRssMb(): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb === undefined ? NaN : Number(kb) / 1024;
  } catch {
    return NaN;
  }
}

const target = process.env.BENCH_PROCESS_STATS;
if (target && isMainThread) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const stats: ProcessStats = { cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peakRssMb() };
    writeFileSync(target, JSON.stringify(stats));
  });
}
