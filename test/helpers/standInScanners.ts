/**
 * Stand-ins for trivy and grype, which are not installed where the tests run: shell scripts named
 * like the scanner, written into a folder the test puts on PATH. Each run appends its argument
 * vector to a log (one argument per line, then `--`), so a test sees exactly what the adapter ran
 * and how often; then it prints a report (a file of test/fixtures/scanners, the scanners' real JSON),
 * says something on stderr, exits with a code, or hangs with a child until its group is killed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeScript } from './standInPrograms';

/** This file compiles to out/test/helpers/, so the repository root is three levels up. */
export const SCANNER_FIXTURES = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'scanners');

export interface StandInBehaviour {
  /** A file to print on stdout (a name in test/fixtures/scanners, or an absolute path). */
  readonly report?: string;
  /** Printed on stderr. */
  readonly stderr?: string;
  readonly exitCode?: number;
  /**
   * Starts `sleep MARKER` as a child and waits for it: only killing the group ends it. `marker` must be unique.
   * With `ready`, a FIFO (mkfifo), the stand-in then writes a line to it: a test reading it knows the child runs.
   */
  readonly hang?: { readonly marker: string; readonly ready?: string };
}

export interface StandInScanner {
  readonly path: string;
  /** The argument vectors of every run so far, without argv[0]. */
  calls(): string[][];
}

function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Writes `dir/name` (trivy or grype) behaving as told; `dir` should hold nothing else the test runs. */
export function standInScanner(dir: string, name: string, behaviour: StandInBehaviour): StandInScanner {
  const log = join(dir, `${name}.argv`);
  // The adapter runs the scanner with the PATH it was given (the test's folder alone, say): the stand-in finds cat and sleep itself.
  const lines = ['PATH=/usr/local/bin:/usr/bin:/bin', `{ for arg in "$@"; do printf '%s\\n' "$arg"; done; echo --; } >> ${quoted(log)}`];
  if (behaviour.stderr !== undefined) lines.push(`printf '%s\\n' ${quoted(behaviour.stderr)} >&2`);
  if (behaviour.report !== undefined) lines.push(`cat ${quoted(resolve(SCANNER_FIXTURES, behaviour.report))}`);
  if (behaviour.hang !== undefined) {
    lines.push(`echo started >&2`, `sleep ${behaviour.hang.marker} &`);
    // Ready once the child runs sleep, not when it is forked: until its exec, it is a copy of this shell.
    if (behaviour.hang.ready !== undefined)
      lines.push(`until grep -qa -- ${behaviour.hang.marker} /proc/$!/cmdline; do :; done`, `echo started > ${quoted(behaviour.hang.ready)}`);
    lines.push('wait');
  }
  lines.push(`exit ${behaviour.exitCode ?? 0}`);
  const path = writeScript(dir, name, lines.join('\n'));
  return {
    path,
    calls: () => {
      if (!existsSync(log)) return [];
      const calls: string[][] = [];
      let current: string[] = [];
      for (const line of readFileSync(log, 'utf8').split('\n').slice(0, -1)) {
        if (line === '--') {
          calls.push(current);
          current = [];
        } else current.push(line);
      }
      return calls;
    },
  };
}
