/**
 * Checks that an edit result differs from its input only inside the edited bytes: everything
 * before the first edit and after the last one is identical, and the edits do not overlap.
 * This is computed from the two texts, independently of applyEdits.
 */
import assert from 'node:assert/strict';
import type { TextEdit } from '../../server/src/core/edits/textEdit';

export function assertOnlyEditedBytesChanged(before: string, after: string, edits: readonly TextEdit[]): void {
  assert.ok(edits.length > 0, 'expected at least one edit');
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    assert.ok(sorted[i - 1].end <= sorted[i].start, `edits overlap: ${JSON.stringify(sorted[i - 1])} and ${JSON.stringify(sorted[i])}`);
  }
  const first = sorted[0].start;
  const last = sorted[sorted.length - 1].end;
  assert.equal(after.slice(0, first), before.slice(0, first), 'text before the first edit changed');
  const tail = before.length - last;
  assert.equal(after.slice(after.length - tail), before.slice(last), 'text after the last edit changed');
  // Each edit's new text sits at its shifted start, and the untouched text after it follows unchanged.
  let shift = 0;
  for (let i = 0; i < sorted.length; i++) {
    const edit = sorted[i];
    const at = edit.start + shift;
    assert.equal(after.slice(at, at + edit.newText.length), edit.newText, `edit ${i} text is not in place`);
    shift += edit.newText.length - (edit.end - edit.start);
    const gapEnd = i + 1 < sorted.length ? sorted[i + 1].start : before.length;
    assert.equal(after.slice(edit.end + shift, gapEnd + shift), before.slice(edit.end, gapEnd), `text after edit ${i} changed`);
  }
  assert.equal(after.length, before.length + shift, 'the result has extra or missing text');
}
