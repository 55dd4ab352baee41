/**
 * A worker thread of `check` (checkWorkers.ts starts it): reads, analyses and checks the files it is
 * sent, a batch per message, and answers each batch with each file's findings or the error that
 * stopped it, tagged with the file's index so the main thread can put the answers back in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckPlan } from './checkFile';
import { answerFor, fileChecker } from './checkSources';
import type { CheckSource } from './checkSources';

const port = parentPort;
if (port === null) throw new Error('checkWorker.js runs only as a worker thread of image-aware check.');
const check = fileChecker(workerData as CheckPlan, () => Promise.reject(new Error('standard input is read by the main thread')));

/** Batches are checked one after the other, in the order they came. */
let queue: Promise<void> = Promise.resolve();
port.on('message', (batch: { index: number; source: CheckSource }[]) => {
  queue = queue.then(async () => {
    const answers = [];
    for (const { index, source } of batch) answers.push(await answerFor(index, source, check));
    port.postMessage(answers);
  });
});
