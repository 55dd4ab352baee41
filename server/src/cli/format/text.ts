/**
 * Compiler-style output, one line per diagnostic (`file:line:col: severity code: message`), which
 * terminals and editors' problem matchers already know how to link, plus a summary line for stderr.
 */
import type { Severity } from '../../core';
import { SEVERITIES } from '../../core';
import type { FileReport } from '../report';
import type { ReportWriter } from './writer';

function countOf(count: number, severity: Severity): string {
  // "information" is a mass noun; the other severities take a plural "s".
  return `${count} ${severity}${count === 1 || severity === 'information' ? '' : 's'}`;
}

/** Prints each file's lines to `write`, and at the end the summary, for example "3 files checked: 1 error, 2 warnings, 0 information, 4 hints", to `summary`. */
export function textWriter(write: (text: string) => void, summary: (text: string) => void): ReportWriter {
  const counts = new Map<Severity, number>(SEVERITIES.map((severity) => [severity, 0]));
  let files = 0;
  return {
    file(report: FileReport) {
      files += 1;
      const lines = report.diagnostics.map((d) => {
        counts.set(d.severity, (counts.get(d.severity) ?? 0) + 1);
        return `${report.path}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}\n`;
      });
      if (lines.length > 0) write(lines.join(''));
    },
    end() {
      summary(`${files} file${files === 1 ? '' : 's'} checked: ${SEVERITIES.map((severity) => countOf(counts.get(severity) ?? 0, severity)).join(', ')}\n`);
    },
  };
}
