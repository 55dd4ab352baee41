/**
 * What `check` reads, in order: the inputs its PATHs name (inputs.ts), each read only when its turn
 * comes, so no more than the files being analysed are in memory at once.
 */
import { readInput } from './inputs';
import type { FoundInput, Input } from './inputs';

/** An input found; `text` is set when it was read already (the mapping file, standard input). */
export interface CheckSource extends FoundInput {
  readonly text?: string;
}

export async function readSource(source: CheckSource, readStdin: () => Promise<Uint8Array>): Promise<Input> {
  if (source.text === undefined) return readInput(source, readStdin);
  return { path: source.path, absolutePath: source.absolutePath, text: source.text, bom: false, lossy: false };
}
