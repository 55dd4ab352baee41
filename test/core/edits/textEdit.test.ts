/** applyEdits: edits in any order, inserts at one offset in array order, untouched text kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import type { TextEdit } from '../../../server/src/core/edits/textEdit';

function check(text: string, edits: TextEdit[], expected: string): void {
  assert.equal(applyEdits(text, edits), expected);
}

const cases: [string, string, TextEdit[], string][] = [
  ['no edits', 'abc', [], 'abc'],
  ['one replacement', 'image: nginx\n', [{ start: 7, end: 12, newText: 'redis:7' }], 'image: redis:7\n'],
  ['a deletion', 'a\nb\nc\n', [{ start: 2, end: 4, newText: '' }], 'a\nc\n'],
  ['an insertion at the end', 'a', [{ start: 1, end: 1, newText: '\nb' }], 'a\nb'],
  [
    'two edits given in either order',
    '0123456789',
    [
      { start: 1, end: 2, newText: 'one' },
      { start: 7, end: 9, newText: '' },
    ],
    '0one234569',
  ],
  [
    'the same two edits reversed',
    '0123456789',
    [
      { start: 7, end: 9, newText: '' },
      { start: 1, end: 2, newText: 'one' },
    ],
    '0one234569',
  ],
  [
    'two inserts at one offset keep their array order',
    'ab',
    [
      { start: 1, end: 1, newText: 'X' },
      { start: 1, end: 1, newText: 'Y' },
    ],
    'aXYb',
  ],
  [
    'an insert before a replacement at the same offset',
    'abcd',
    [
      { start: 1, end: 1, newText: '<' },
      { start: 1, end: 3, newText: 'BC' },
    ],
    'a<BCd',
  ],
  [
    'edits next to each other',
    'abcd',
    [
      { start: 2, end: 4, newText: 'D' },
      { start: 0, end: 2, newText: 'A' },
    ],
    'AD',
  ],
  ['UTF-16 offsets: after an emoji', 'x😀y', [{ start: 3, end: 4, newText: 'z' }], 'x😀z'],
];

for (const [name, text, edits, expected] of cases) {
  test(`applyEdits: ${name}`, () => check(text, edits, expected));
}

test("applyEdits does not reorder the caller's array", () => {
  const edits: TextEdit[] = [
    { start: 0, end: 1, newText: 'A' },
    { start: 2, end: 3, newText: 'C' },
  ];
  applyEdits('abc', edits);
  assert.deepEqual(
    edits.map((e) => e.newText),
    ['A', 'C'],
  );
});
