/**
 * Which scanners this machine has: found on the PATH of the environment given, in its absolute
 * entries only (process/lookPath), as the build tools are found. Nothing is run to find them.
 */
import { findExecutable } from '../process';
import { SCANNER_NAMES } from './types';
import type { ScannerEnv, ScannerName } from './types';

export type ScannerChoice = { readonly ok: true; readonly name: ScannerName; readonly executable: string } | { readonly ok: false; readonly reason: string };

/** The scanner the setting names, or with `auto` the first of SCANNER_NAMES found; when there is none, why. */
export function pickScanner(setting: 'auto' | ScannerName, env: ScannerEnv): ScannerChoice {
  const names = setting === 'auto' ? SCANNER_NAMES : [setting];
  for (const name of names) {
    const executable = findExecutable(name, env);
    if (executable !== null) return { ok: true, name, executable };
  }
  return {
    ok: false,
    reason:
      setting === 'auto'
        ? 'No vulnerability scanner is installed: neither trivy nor grype was found on PATH.'
        : `${setting} is not installed (not found on PATH).`,
  };
}
