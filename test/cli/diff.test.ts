/**
 * The unified-diff printer behind `pin --dry-run`: exact output for the cases diff -u has rules for
 * (hunk merging at six kept lines, one-line and empty ranges, a last line without a line break, CRLF),
 * and, for many random edits, that applying the printed patch gives the new text back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unifiedDiff } from '../../server/src/cli/diff';

function lines(count: number, prefix = 'line'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix} ${i + 1}`);
}

test('equal texts give no diff', () => {
  assert.equal(unifiedDiff('a.yaml', 'x\ny\n', 'x\ny\n'), '');
  assert.equal(unifiedDiff('a.yaml', '', ''), '');
});

test('one changed line: three lines of context on each side', () => {
  const before = lines(10);
  const after = [...before];
  after[4] = 'changed';
  assert.equal(
    unifiedDiff('k8s/app.yaml', before.join('\n') + '\n', after.join('\n') + '\n'),
    [
      '--- k8s/app.yaml',
      '+++ k8s/app.yaml',
      '@@ -2,7 +2,7 @@',
      ' line 2',
      ' line 3',
      ' line 4',
      '-line 5',
      '+changed',
      ' line 6',
      ' line 7',
      ' line 8',
      '',
    ].join('\n'),
  );
});

test('changes six kept lines apart share a hunk, seven apart do not', () => {
  const before = lines(20);
  const six = [...before];
  six[2] = 'A';
  six[9] = 'B';
  assert.equal(unifiedDiff('f', before.join('\n') + '\n', six.join('\n') + '\n').match(/^@@/gm)?.length, 1);
  assert.match(unifiedDiff('f', before.join('\n') + '\n', six.join('\n') + '\n'), /^@@ -1,13 \+1,13 @@$/m);
  const seven = [...before];
  seven[2] = 'A';
  seven[10] = 'B';
  const diff = unifiedDiff('f', before.join('\n') + '\n', seven.join('\n') + '\n');
  assert.deepEqual(diff.match(/^@@.*@@$/gm), ['@@ -1,6 +1,6 @@', '@@ -8,7 +8,7 @@']);
});

test('ranges of one line and empty ranges are written as diff -u writes them', () => {
  assert.equal(unifiedDiff('f', 'a\n', 'b\n'), '--- f\n+++ f\n@@ -1 +1 @@\n-a\n+b\n');
  assert.equal(unifiedDiff('f', '', 'a\nb\n'), '--- f\n+++ f\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  assert.equal(unifiedDiff('f', 'a\nb\n', ''), '--- f\n+++ f\n@@ -1,2 +0,0 @@\n-a\n-b\n');
  assert.equal(unifiedDiff('f', 'a\nb\n', 'a\nx\nb\n'), '--- f\n+++ f\n@@ -1,2 +1,3 @@\n a\n+x\n b\n');
});

test('a last line without a line break is marked, and CRLF lines keep their carriage return', () => {
  assert.equal(unifiedDiff('f', 'a\nb', 'a\nc'), '--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
  assert.equal(unifiedDiff('f', 'a\nb', 'a\nb\n'), '--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  assert.equal(unifiedDiff('f', 'k: 1\r\nimage: a\r\n', 'k: 1\r\nimage: b\r\n'), '--- f\n+++ f\n@@ -1,2 +1,2 @@\n k: 1\r\n-image: a\r\n+image: b\r\n');
});

/** Applies a unified diff made by unifiedDiff to text, checking every context and removed line. */
function applyPatch(text: string, patch: string): string {
  const source = text === '' ? [] : text.split(/(?<=\n)/);
  const out: string[] = [];
  let at = 0;
  const patchLines = patch.split('\n').slice(2, -1);
  for (let i = 0; i < patchLines.length; i++) {
    const line = patchLines[i];
    const header = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (header) {
      const start = Number(header[1]) - (header[2] === '0' ? 0 : 1);
      while (at < start) out.push(source[at++]);
      continue;
    }
    const noNewline = patchLines[i + 1] === '\\ No newline at end of file';
    const content = line.slice(1) + (noNewline ? '' : '\n');
    if (noNewline) i++;
    if (line[0] === '+') out.push(content);
    else {
      assert.equal(source[at], content, `line ${at + 1} of the old text`);
      if (line[0] === ' ') out.push(content);
      at++;
    }
  }
  while (at < source.length) out.push(source[at++]);
  return out.join('');
}

test('for random edits, the patch turns the old text into the new one', () => {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 500; round++) {
    const before = Array.from({ length: Math.floor(random() * 40) }, () => `l${Math.floor(random() * 6)}`);
    const after = before.flatMap((line) => {
      const r = random();
      return r < 0.1 ? [] : r < 0.2 ? [`new ${Math.floor(random() * 3)}`] : r < 0.25 ? [line, 'added'] : [line];
    });
    const oldText = before.join('\n') + (before.length > 0 && random() < 0.7 ? '\n' : '');
    const newText = after.join('\n') + (after.length > 0 && random() < 0.7 ? '\n' : '');
    const patch = unifiedDiff('f', oldText, newText);
    assert.equal(patch === '', oldText === newText);
    assert.equal(applyPatch(oldText, patch), newText, `round ${round}:\n${patch}`);
  }
});
