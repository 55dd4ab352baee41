/**
 * Checks the sources of one `check` run and yields each file's findings in source order: in this
 * thread for small inputs, else spread over worker threads (checkWorker.ts), a batch of files per
 * message (a message costs about as much as checking a small file), and this thread, which checks
 * the next file itself whenever it would otherwise wait, then lets the workers' answers in.
 * The order of what is yielded, and the first error met in that order, never depend on which worker
 * finished first, so the output and exit code are those of a run in one thread.
 * Bounds: at most MAX_THREADS threads (by default one CPU fewer than the machine has), each worker
 * holding at most PER_WORKER batches in flight (a batch: BATCH_FILES files or BATCH_BYTES bytes,
 * whichever comes first), and at most WINDOW answers waiting for an earlier file.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckedFile, CheckPlan } from './checkFile';
import { answerError, answerFor, fileChecker, readSource } from './checkSources';
import type { CheckAnswer, CheckSource } from './checkSources';

export const MAX_THREADS = 8;
/** Starting a worker costs about as much as checking this many bytes in the main thread, so each thread must get more. */
const BYTES_PER_THREAD = 2 * 1024 * 1024;
const PER_WORKER = 2;
const BATCH_FILES = 32;
const BATCH_BYTES = 256 * 1024;
const WINDOW = 512;
/** Next to the bundle (dist/checkWorker.js) or to this module (out/, in tests). */
const WORKER_SCRIPT = join(__dirname, 'checkWorker.js');

/**
 * How many workers to start besides this thread: none unless at least two threads would each get
 * BYTES_PER_THREAD. One CPU is left to V8's own compiler and garbage-collector threads, which keep
 * about half a CPU busy beside one checking thread: on two CPUs a second thread made `check` slower.
 */
export function workerCount(sources: readonly CheckSource[], cpus = availableParallelism()): number {
  const bytes = sources.reduce((sum, source) => sum + source.size, 0);
  const threads = Math.min(cpus - 1, MAX_THREADS, sources.length, Math.floor(bytes / BYTES_PER_THREAD));
  return threads >= 2 ? threads - 1 : 0;
}

/** How many files this thread and the workers checked, counted as a run goes. */
export interface ThreadShare {
  here: number;
  workers: number;
}

export function checkSources(
  sources: readonly CheckSource[],
  plan: CheckPlan,
  workers: number,
  readStdin: () => Promise<Uint8Array>,
  share: ThreadShare = { here: 0, workers: 0 },
): AsyncIterable<CheckedFile> {
  return workers > 0 ? inWorkers(sources, plan, Math.min(workers, MAX_THREADS - 1), readStdin, share) : inThisThread(sources, plan, readStdin, share);
}

async function* inThisThread(
  sources: readonly CheckSource[],
  plan: CheckPlan,
  readStdin: () => Promise<Uint8Array>,
  share: ThreadShare,
): AsyncIterable<CheckedFile> {
  const check = fileChecker(plan, readStdin);
  for (const source of sources) {
    const { file } = await check(source);
    share.here++;
    yield file;
  }
}

async function* inWorkers(
  sources: readonly CheckSource[],
  plan: CheckPlan,
  count: number,
  readStdin: () => Promise<Uint8Array>,
  share: ThreadShare,
): AsyncIterable<CheckedFile> {
  // Workers cannot read this process's standard input: it is read here, before they start.
  const ready = await Promise.all(
    sources.map(async (source) => (source.absolutePath === null ? { ...source, text: (await readSource(source, readStdin)).text } : source)),
  );
  const checkHere = fileChecker(plan, readStdin);
  const answers = new Map<number, CheckAnswer>();
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
      const batch: { index: number; source: CheckSource }[] = [];
      for (let bytes = 0; sent < ready.length && sent - next < WINDOW && batch.length < BATCH_FILES && bytes < BATCH_BYTES; sent++) {
        batch.push({ index: sent, source: ready[sent] });
        bytes += ready[sent].size;
      }
      worker.postMessage(batch);
      busy.set(worker, (busy.get(worker) ?? 0) + 1);
    }
  };
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_SCRIPT, { workerData: plan });
    worker.on('message', (batch: CheckAnswer[]) => {
      for (const answer of batch) answers.set(answer.index, answer);
      share.workers += batch.length;
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
        // Rather than wait, this thread checks the next file no worker has yet, when there is one, then lets the
        // workers' answers in (they are events, which a chain of promises would keep out), so they get more files.
        if (sent < ready.length && sent - next < WINDOW) {
          const index = sent++;
          answers.set(index, await answerFor(index, ready[index], checkHere));
          share.here++;
          await new Promise<void>((resolve) => setImmediate(resolve));
        } else await new Promise<void>((resolve) => (wake = resolve));
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
