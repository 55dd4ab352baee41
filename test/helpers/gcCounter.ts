/**
 * Preloaded into a server process (`--require`) by tests about its garbage collection: it counts the
 * major collections V8 reports and, on SIGUSR2, writes `major-gcs: <count>` on a line of stderr.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';

let majorGcs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
}).observe({ entryTypes: ['gc'] });
process.on('SIGUSR2', () => process.stderr.write(`major-gcs: ${majorGcs}\n`));
