/**
 * A flat JSON array of findings for scripts. It is an API boundary: keep the keys and their meaning
 * stable (positions are 1-based, columns in UTF-16 code units, the end exclusive). Written as the
 * findings come, byte for byte what `JSON.stringify(rows, null, 2)` gives.
 */
import type { FileReport } from '../report';
import { jsonArrayItems } from './writer';
import type { ReportWriter } from './writer';

export function jsonWriter(write: (text: string) => void): ReportWriter {
  write('[');
  const rows = jsonArrayItems(write, 0);
  return {
    file(report: FileReport) {
      for (const d of report.diagnostics) {
        rows.item({
          file: report.path,
          line: d.line,
          column: d.column,
          endLine: d.endLine,
          endColumn: d.endColumn,
          severity: d.severity,
          code: d.code,
          message: d.message,
        });
      }
    },
    end() {
      rows.close();
      write('\n');
    },
  };
}
