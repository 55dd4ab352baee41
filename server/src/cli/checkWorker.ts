/**
 * A worker thread of `check` (checkWorkers.ts starts it): reads, analyses and checks the files it is
 * sent, one message each, and answers with the file's findings or the error that stopped it, tagged
 * with the file's index so the main thread can put the answers back in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckPlan } from './checkFile';
import { answerFor, fileChecker } from './checkSources';
import type { CheckSource } from './checkSources';

const port = parentPort;
if (port === null) throw new Error('checkWorker.js runs only as a worker thread of image-aware check.');
const check = fileChecker(workerData as CheckPlan, () => Promise.reject(new Error('standard input is read by the main thread')));

port.on('message', ({ index, source }: { index: number; source: CheckSource }) => {
  void answerFor(index, source, check).then((answer) => port.postMessage(answer));
});
