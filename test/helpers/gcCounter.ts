/**
 * Preloaded into a server process (`--require`) by tests about its garbage collection: it counts the
 * major collections V8 ran because the heap needed room and, on SIGUSR2, writes `major-gcs: <count>` on a
 * line of stderr. Forced ones (the server's own `gc()` once it is idle, lsp/idleCollection.ts) do not count.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';

let majorGcs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail = (entry as { detail?: { kind?: number; flags?: number } }).detail;
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR && ((detail.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) === 0) majorGcs++;
  }
}).observe({ entryTypes: ['gc'] });
process.on('SIGUSR2', () => process.stderr.write(`major-gcs: ${majorGcs}\n`));
