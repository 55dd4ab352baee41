/**
 * Checks the sources of one `check` run and yields each file's findings in source order: in this
 * thread for small inputs, else spread over worker threads (checkWorker.ts), one file per message.
 * The order of what is yielded, and the first error met in that order, never depend on which worker
 * finished first, so the output and exit code are those of a run in one thread.
 * Bounds: at most MAX_WORKERS workers (never more than the CPUs), each holding at most
 * PER_WORKER files in flight, and at most WINDOW answers waiting for an earlier file.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CliError } from './args';
import { chartOf } from './charts';
import type { ChartCache } from './charts';
import { checkInput, locationTable } from './checkFile';
import type { CheckedFile, CheckPlan } from './checkFile';
import { readSource } from './checkSources';
import type { CheckSource } from './checkSources';
import type { WorkerAnswer } from './checkWorker';

const MAX_WORKERS = 8;
/** Starting a worker costs about as much as checking this many bytes in the main thread, so each must get more. */
const BYTES_PER_WORKER = 2 * 1024 * 1024;
const PER_WORKER = 4;
const WINDOW = 256;
/** Next to the bundle (dist/checkWorker.js) or to this module (out/, in tests). */
const WORKER_SCRIPT = join(__dirname, 'checkWorker.js');

/** How many workers to start for these sources: none (check in this thread) unless at least two would each get BYTES_PER_WORKER. */
export function workerCount(sources: readonly CheckSource[], cpus = availableParallelism()): number {
  const bytes = sources.reduce((sum, source) => sum + source.size, 0);
  const count = Math.min(cpus, MAX_WORKERS, sources.length, Math.floor(bytes / BYTES_PER_WORKER));
  return count >= 2 ? count : 0;
}

export function checkSources(
  sources: readonly CheckSource[],
  plan: CheckPlan,
  workers: number,
  readStdin: () => Promise<Uint8Array>,
): AsyncIterable<CheckedFile> {
  return workers > 0 ? inWorkers(sources, plan, Math.min(workers, MAX_WORKERS), readStdin) : inThisThread(sources, plan, readStdin);
}

async function* inThisThread(sources: readonly CheckSource[], plan: CheckPlan, readStdin: () => Promise<Uint8Array>): AsyncIterable<CheckedFile> {
  const locations = locationTable(plan.configText);
  const charts: ChartCache = new Map();
  for (const source of sources) {
    const input = await readSource(source, readStdin);
    yield checkInput(input, await chartOf(input.absolutePath, charts), plan, locations).file;
  }
}

function answerError({ error }: { error: { message: string; stack?: string; cli: boolean } }): Error {
  if (error.cli) return new CliError(error.message);
  return Object.assign(new Error(error.message), { stack: error.stack });
}

async function* inWorkers(sources: readonly CheckSource[], plan: CheckPlan, count: number, readStdin: () => Promise<Uint8Array>): AsyncIterable<CheckedFile> {
  // Workers cannot read this process's standard input: it is read here, before they start.
  const ready = await Promise.all(
    sources.map(async (source) => (source.absolutePath === null ? { ...source, text: (await readSource(source, readStdin)).text } : source)),
  );
  const answers = new Map<number, WorkerAnswer>();
  const busy = new Map<Worker, number>();
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let sent = 0;
  let next = 0;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  const feed = (worker: Worker): void => {
    while (sent < ready.length && sent - next < WINDOW && (busy.get(worker) ?? 0) < PER_WORKER) {
      worker.postMessage({ index: sent, source: ready[sent] });
      busy.set(worker, (busy.get(worker) ?? 0) + 1);
      sent += 1;
    }
  };
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: plan });
    worker.on('message', (answer: WorkerAnswer) => {
      answers.set(answer.index, answer);
      busy.set(worker, (busy.get(worker) ?? 1) - 1);
      feed(worker);
      notify();
    });
    worker.on('error', (error) => {
      failure ??= error;
      notify();
    });
    worker.on('exit', (code) => {
      if (next < ready.length) failure ??= new Error(`a worker thread of check stopped (exit code ${code}) before every file was checked.`);
      notify();
    });
    return worker;
  });
  try {
    for (const worker of workers) feed(worker);
    while (next < ready.length) {
      const answer = answers.get(next);
      if (answer === undefined) {
        if (failure !== null) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      answers.delete(next);
      next += 1;
      if ('error' in answer) throw answerError(answer);
      for (const worker of workers) feed(worker);
      yield answer.file;
    }
  } finally {
    next = ready.length;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
