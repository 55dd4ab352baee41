/**
 * Compiler-style output, one line per diagnostic (`file:line:col: severity code: message`), which
 * terminals and editors' problem matchers already know how to link, plus a summary line for stderr.
 */
import type { Severity } from '../../core';
import { SEVERITIES } from '../../core';
import type { FileReport } from '../report';

export function formatText(reports: readonly FileReport[]): string {
  return reports.flatMap((report) => report.diagnostics.map((d) => `${report.path}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}\n`)).join('');
}

function countOf(count: number, severity: Severity): string {
  // "information" is a mass noun; the other severities take a plural "s".
  return `${count} ${severity}${count === 1 || severity === 'information' ? '' : 's'}`;
}

/** For example "3 files checked: 1 error, 2 warnings, 0 information, 4 hints". */
export function formatSummary(reports: readonly FileReport[]): string {
  const counts = SEVERITIES.map((severity) => {
    const count = reports.reduce((sum, report) => sum + report.diagnostics.filter((d) => d.severity === severity).length, 0);
    return countOf(count, severity);
  });
  return `${reports.length} file${reports.length === 1 ? '' : 's'} checked: ${counts.join(', ')}\n`;
}
