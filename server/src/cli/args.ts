/**
 * Command-line parsing for `image-aware`. It is a thin layer over node:util `parseArgs`, run strict
 * so that a mistyped flag is an error instead of a silent no-op, and it turns every parsing problem
 * into a CliError so main.ts can report it the same way as any other bad input.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

/** A problem with how the CLI was called or with what it was asked to read; main.ts prints it and exits with 2. */
export class CliError extends Error {}

/** Parses a command's arguments; `config` is passed to `parseArgs` unchanged, so its result keeps precise types. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    // parseArgs throws a TypeError whose code starts with ERR_PARSE_ARGS and whose message names the flag.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) throw new CliError((error as Error).message);
    throw error;
  }
}

/** Returns `value` when it is one of `allowed`, so callers get the narrowed type; throws a CliError naming `what` otherwise. */
export function oneOf<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) throw new CliError(`${what} must be one of ${allowed.join(', ')} (got "${value}").`);
  return found;
}

/** The flag of `check`, `pin` and `push` that limits how much of each file is analysed; named in the not-analysed message. */
export const MAX_FILE_SIZE_FLAG = '--max-file-size-mb';

/** The `parseArgs` option of MAX_FILE_SIZE_FLAG; without it, whole files are analysed. */
export const MAX_FILE_SIZE_OPTION = { 'max-file-size-mb': { type: 'string' } } as const;

export const MAX_FILE_SIZE_USAGE = `  ${MAX_FILE_SIZE_FLAG} N       Analyse at most N MB of each file (default: the whole file).`;

/** The analysis limit in UTF-16 code units (as the editor's setting counts), from the flag's value; unlimited without one. */
export function maxFileSize(text: string | undefined): number {
  if (text === undefined) return Number.POSITIVE_INFINITY;
  const megabytes = Number(text);
  if (!(Number.isFinite(megabytes) && megabytes > 0)) throw new CliError(`${MAX_FILE_SIZE_FLAG} must be a positive number (got "${text}").`);
  return Math.floor(megabytes * 1024 * 1024);
}
