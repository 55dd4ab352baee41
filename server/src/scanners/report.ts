/**
 * Normalising a scanner's findings into a ScanReport, bounded: at most MAX_VULNERABILITIES entries are
 * read (a report with more is refused rather than undercounted), every text is cut to MAX_TEXT
 * characters with its control characters made spaces (a text is one line of a hover or message), and only the MAX_TOP most severe are kept, in the scanner's own order within a severity.
 * A scanner's report is outside data: a field of the wrong type makes the report unreadable.
 */
import { isRecord } from '../core/json';
import type { ReportedVulnerability, ReportSeverity, ScannerName, ScanReport } from './types';

export const MAX_TOP = 10;
export const MAX_VULNERABILITIES = 100_000;
const MAX_TEXT = 200;

/** Why a report cannot be read; the adapter turns it into a ScannerError naming the scanner. */
export class UnreadableReport extends Error {}

/** Most severe first: both scanners rank UNKNOWN below everything, and grype's Negligible below Low. */
const RANK: Readonly<Record<ReportSeverity, number>> = { critical: 0, high: 1, medium: 2, low: 3, negligible: 4, unknown: 5 };

/** A scanner's severity word (`CRITICAL`, `High`, `Negligible`) as a ReportSeverity; anything else is unknown, as the scanners rank it. */
export function severityOf(word: unknown): ReportSeverity {
  const lower = typeof word === 'string' ? word.toLowerCase() : '';
  return Object.hasOwn(RANK, lower) ? (lower as ReportSeverity) : 'unknown';
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** A text on one line, cut to MAX_TEXT characters. */
export function cut(value: string): string {
  const line = value.replace(CONTROL, ' ');
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT)}…` : line;
}

/** A required text field of an entry; `what` names it for the error. */
export function text(entry: Record<string, unknown>, key: string, what: string): string {
  const value = entry[key];
  if (typeof value !== 'string') throw new UnreadableReport(`a ${what} has no ${key} text`);
  return cut(value);
}

/** The records of a list field; a missing or null list is empty (both scanners write null for "none"). */
export function records(value: unknown, what: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new UnreadableReport(`${what} is not a list`);
  if (!value.every(isRecord)) throw new UnreadableReport(`${what} holds something other than objects`);
  return value;
}

/** The parsed JSON of a whole report; `UnreadableReport` when it is not JSON or not an object. */
export function parseReport(output: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch (error) {
    throw new UnreadableReport(`it is not JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw new UnreadableReport('it is not a JSON object');
  return parsed;
}

const rank = (severity: ReportSeverity): number => RANK[severity];

export class ReportBuilder {
  private readonly counts: Record<ReportSeverity, number> = { critical: 0, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0 };
  private readonly top: ReportedVulnerability[] = [];
  private seen = 0;

  add(vulnerability: ReportedVulnerability): void {
    if (++this.seen > MAX_VULNERABILITIES) throw new UnreadableReport(`it lists more than ${MAX_VULNERABILITIES} vulnerabilities`);
    this.counts[vulnerability.severity]++;
    // After the last one at least as severe: the scanner's order is kept within a severity.
    let at = this.top.length;
    while (at > 0 && rank(this.top[at - 1].severity) > rank(vulnerability.severity)) at--;
    if (at < MAX_TOP) {
      this.top.splice(at, 0, vulnerability);
      if (this.top.length > MAX_TOP) this.top.pop();
    }
  }

  build(scanner: ScannerName): ScanReport {
    return { scanner, counts: { ...this.counts }, top: [...this.top] };
  }
}
