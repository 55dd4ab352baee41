/**
 * The vulnerability-scanner adapters: trivy and grype, found on PATH (./detect), run on one image by
 * digest through process/ (./run, ./argv), their JSON reports normalised (./trivyReport, ./grypeReport),
 * and their results kept on disk (./cache). `env` is the whole environment a scanner runs with (its
 * database and cache folders, registry credentials, TRIVY_* and GRYPE_* settings), as the user's shell has it.
 */
import { pickScanner } from './detect';
import { runScan } from './run';
import type { Scanner, ScannerEnv, ScannerName } from './types';

export { NO_SCAN_CACHE, scanCache, MAX_SCAN_ENTRIES } from './cache';
export type { ScanCache } from './cache';
export { pickScanner } from './detect';
export type { ScannerChoice } from './detect';
export { DEFAULT_SCAN_TIMEOUT_MS, MAX_REPORT_BYTES } from './run';
export { SCANNER_NAMES, ScannerError } from './types';
export type { ReportedVulnerability, ReportSeverity, Scanner, ScannerEnv, ScannerName, ScanOptions, ScanReport } from './types';

export function createScanner(name: ScannerName, executable: string, env: ScannerEnv): Scanner {
  return { name, executable, scan: (image, options) => runScan(name, executable, env, image, options) };
}

export type ScannerPick = { readonly ok: true; readonly scanner: Scanner } | { readonly ok: false; readonly reason: string };

/** The scanner the setting names (or the first found, with `auto`), ready to run with `env`; or why there is none. */
export function chooseScanner(setting: 'auto' | ScannerName, env: ScannerEnv): ScannerPick {
  const choice = pickScanner(setting, env);
  return choice.ok ? { ok: true, scanner: createScanner(choice.name, choice.executable, env) } : choice;
}
