/**
 * Runs one scan: the scanner's argument vector through process/group's runner (its own process
 * group, so cancelling or a timeout ends whatever it started), its JSON report read from stdout, at
 * most MAX_REPORT_BYTES of it, and its last stderr lines kept for the reason when it fails.
 */
import { describeEnding, keepTail, lineSplitter, meaningfulLines, runInGroup } from '../process';
import type { GroupEnding } from '../process';
import { scanArgv } from './argv';
import { readGrypeReport } from './grypeReport';
import { UnreadableReport } from './report';
import { readTrivyReport } from './trivyReport';
import { ScannerError } from './types';
import type { ScannerEnv, ScannerName, ScanOptions, ScanReport } from './types';

/** The largest report read: a few thousand vulnerabilities with their descriptions fit several times over. */
export const MAX_REPORT_BYTES = 32 * 1024 * 1024;
/** A first run downloads the vulnerability database (trivy's is some hundred megabytes), so scans get long. */
export const DEFAULT_SCAN_TIMEOUT_MS = 10 * 60 * 1000;

const READERS: Readonly<Record<ScannerName, (output: string) => ScanReport>> = { trivy: readTrivyReport, grype: readGrypeReport };

function failure(scanner: ScannerName, image: string, ending: GroupEnding, stderr: readonly string[]): ScannerError {
  if (ending.kind === 'cancelled') return new ScannerError(`The ${scanner} scan of ${image} was cancelled.`, scanner, true);
  if (ending.kind === 'not-started') return new ScannerError(`${scanner} could not be started to scan ${image}: ${describeEnding(ending)}.`, scanner, false);
  const said = ending.kind === 'exited' ? meaningfulLines(stderr) : [];
  const why = said.length > 0 ? `it said: ${said.join(' ')}` : describeEnding(ending);
  return new ScannerError(`${scanner} could not scan ${image}: ${why}`, scanner, false);
}

export async function runScan(scanner: ScannerName, executable: string, env: ScannerEnv, image: string, options: ScanOptions = {}): Promise<ScanReport> {
  const chunks: string[] = [];
  const stderr: string[] = [];
  const errLines = lineSplitter((line) => keepTail(stderr, line));
  const ending = await runInGroup(scanArgv(scanner, executable, image), {
    env,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS,
    maxStdoutBytes: MAX_REPORT_BYTES,
    onStdout: (text) => chunks.push(text),
    onStderr: (text) => errLines.push(text),
  });
  errLines.end();
  if (ending.kind !== 'exited' || ending.code !== 0) throw failure(scanner, image, ending, stderr);
  try {
    return READERS[scanner](chunks.join(''));
  } catch (error) {
    if (!(error instanceof UnreadableReport)) throw error;
    throw new ScannerError(`${scanner} printed a report for ${image} that cannot be read: ${error.message}.`, scanner, false);
  }
}
