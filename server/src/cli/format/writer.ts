/** How `check` prints: each file's report as soon as it is final, then the end of the output. */
import type { FileReport } from '../report';

export interface ReportWriter {
  file(report: FileReport): void;
  end(): void;
}

/**
 * Writes the items of a JSON array as `JSON.stringify(array, null, 2)` would, one at a time, where the
 * array's opening bracket, which the caller has written, is at `depth` levels of indentation;
 * `close()` writes the closing one.
 */
export function jsonArrayItems(write: (text: string) => void, depth: number): { item(value: unknown): void; close(): void } {
  const indent = '  '.repeat(depth + 1);
  let count = 0;
  return {
    item(value) {
      // JSON.stringify escapes line breaks inside strings, so every "\n" here is between lines.
      write(`${count === 0 ? '\n' : ',\n'}${indent}${JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`)}`);
      count += 1;
    },
    close() {
      write(count === 0 ? ']' : `\n${'  '.repeat(depth)}]`);
    },
  };
}
