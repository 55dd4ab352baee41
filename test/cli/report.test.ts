/** Lines and columns of the CLI's reports: 1-based, UTF-16 columns, lines ending at LF, CRLF or a lone CR as editors end them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { locateDiagnostics } from '../../server/src/cli/report';
import type { Diagnostic } from '../../server/src/core/features/types';

function at(start: number, end: number): Diagnostic {
  return { start, end, severity: 'warning', code: 'latest-tag', message: 'm' };
}

test('positions count lines after LF, CRLF and a lone CR, and columns in UTF-16 code units', () => {
  const text = 'a: 1\nb: 2\r\nc: 3\rimage: "😀x"\n';
  const x = text.indexOf('x');
  const [located] = locateDiagnostics(text, [at(x, x + 1)]);
  assert.deepEqual([located.line, located.column, located.endLine, located.endColumn], [4, 11, 4, 12]);
});

test('diagnostics come out in file order', () => {
  const located = locateDiagnostics('a\nb\nc\n', [at(4, 5), at(0, 1), at(2, 3)]);
  assert.deepEqual(
    located.map((d) => d.line),
    [1, 2, 3],
  );
});
