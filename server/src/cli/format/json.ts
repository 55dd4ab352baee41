/**
 * A flat JSON array of findings for scripts. It is an API boundary: keep the keys and their meaning
 * stable (positions are 1-based, columns in UTF-16 code units, the end exclusive).
 */
import type { FileReport } from '../report';

export function formatJson(reports: readonly FileReport[]): string {
  const rows = reports.flatMap((report) =>
    report.diagnostics.map((d) => ({
      file: report.path,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
      severity: d.severity,
      code: d.code,
      message: d.message,
    })),
  );
  return `${JSON.stringify(rows, null, 2)}\n`;
}
