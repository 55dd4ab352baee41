/**
 * What `check` reads, in order: the inputs its PATHs name (inputs.ts), each read only when its turn
 * comes, so no more than the files being analysed are in memory at once; and how one thread checks
 * them (each thread builds its own location table and chart cache).
 */
import type { Analysis } from '../core';
import { CliError } from './args';
import { chartOf } from './charts';
import type { ChartCache } from './charts';
import { checkInput, locationTable } from './checkFile';
import type { CheckedFile, CheckPlan } from './checkFile';
import { readInput } from './inputs';
import type { FoundInput, Input } from './inputs';

/** An input found; `text` is set when it was read already (the mapping file, standard input). */
export interface CheckSource extends FoundInput {
  readonly text?: string;
}

/** The answer about the file at `index`: its findings, or the error that stopped it, as plain data a worker can send. */
export type CheckAnswer =
  | { readonly index: number; readonly file: CheckedFile }
  | { readonly index: number; readonly error: { readonly message: string; readonly stack?: string; readonly cli: boolean } };

export async function readSource(source: CheckSource, readStdin: () => Promise<Uint8Array>): Promise<Input> {
  if (source.text === undefined) return readInput(source, readStdin);
  return { path: source.path, absolutePath: source.absolutePath, text: source.text, bom: false, lossy: false };
}

/** A source checked, with its text and analysis for the registries' questions (`check --online`). */
export interface CheckedSource {
  readonly file: CheckedFile;
  readonly analysis: Analysis;
  readonly text: string;
}

/** Checks sources one by one in the calling thread. */
export function fileChecker(plan: CheckPlan, readStdin: () => Promise<Uint8Array>): (source: CheckSource) => Promise<CheckedSource> {
  const locations = locationTable(plan.configText);
  const charts: ChartCache = new Map();
  return async (source) => {
    const input = await readSource(source, readStdin);
    return { ...checkInput(input, await chartOf(input.absolutePath, charts), plan, locations), text: input.text };
  };
}

export async function answerFor(index: number, source: CheckSource, check: (source: CheckSource) => Promise<CheckedSource>): Promise<CheckAnswer> {
  try {
    return { index, file: (await check(source)).file };
  } catch (error) {
    return { index, error: { message: (error as Error).message, stack: (error as Error).stack, cli: error instanceof CliError } };
  }
}

/** The error an answer carries, as it was thrown: a CliError stays one, so main.ts prints it for people. */
export function answerError({ error }: { error: { message: string; stack?: string; cli: boolean } }): Error {
  if (error.cli) return new CliError(error.message);
  return Object.assign(new Error(error.message), { stack: error.stack });
}
