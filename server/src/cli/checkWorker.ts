/**
 * A worker thread of `check` (checkWorkers.ts starts it): reads, analyses and checks the files it is
 * sent, one message each, and answers with the file's findings or the error that stopped it, tagged
 * with the file's index so the main thread can put the answers back in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CliError } from './args';
import { chartOf } from './charts';
import type { ChartCache } from './charts';
import { checkInput, locationTable } from './checkFile';
import type { CheckedFile, CheckPlan } from './checkFile';
import { readSource } from './checkSources';
import type { CheckSource } from './checkSources';

/** The answer about the file at `index`. */
export type WorkerAnswer =
  | { readonly index: number; readonly file: CheckedFile }
  | { readonly index: number; readonly error: { readonly message: string; readonly stack?: string; readonly cli: boolean } };

const port = parentPort;
if (port === null) throw new Error('checkWorker.js runs only as a worker thread of image-aware check.');
const plan = workerData as CheckPlan;
const locations = locationTable(plan.configText);
const charts: ChartCache = new Map();

async function answer(index: number, source: CheckSource): Promise<WorkerAnswer> {
  try {
    const input = await readSource(source, () => Promise.reject(new Error('standard input is read by the main thread')));
    return { index, file: checkInput(input, await chartOf(input.absolutePath, charts), plan, locations).file };
  } catch (error) {
    return { index, error: { message: (error as Error).message, stack: (error as Error).stack, cli: error instanceof CliError } };
  }
}

port.on('message', ({ index, source }: { index: number; source: CheckSource }) => {
  void answer(index, source).then((message) => port.postMessage(message));
});
