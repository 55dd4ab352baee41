/**
 * Finds the program a command names the way Go's exec.LookPath does since Go 1.19 (what docker and
 * kubectl run their helpers and plugins with): a name with a path separator is used as it is when
 * absolute; a bare name is looked up in the absolute entries of PATH only. Empty, "." and relative
 * entries all mean the current folder, and a program there must never run because of where the
 * user happened to be, so they are skipped.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, sep } from 'node:path';
import type { ProcessEnv } from './group';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable `command` runs (with PATHEXT endings on Windows), or null when there is none. */
export function findExecutable(command: string, env: ProcessEnv): string | null {
  const endings = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean) : [''];
  if (command.includes('/') || command.includes(sep)) {
    if (!isAbsolute(command)) return null;
    return [command, ...endings.filter(Boolean).map((ending) => command + ending)].find(isExecutableFile) ?? null;
  }
  const path = env.PATH ?? env.Path ?? '';
  for (const dir of path.split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    for (const ending of endings) {
      const candidate = join(dir, command + ending);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}
