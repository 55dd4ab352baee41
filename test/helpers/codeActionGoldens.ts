/**
 * The shared half of the code-action tests: the actions offered at a «…»-marked range are compared
 * as [title, fixes, preferred], and each one's whole result with its golden file
 * (test/fixtures/features/edits/<prefix><case>.<n>.{before,after}.yaml; UPDATE_GOLDEN=1 rewrites), except
 * an action that waits for a registry answer (`needs`), which has no edits yet.
 */
import assert from 'node:assert/strict';
import type { DiagnosticCode } from '../../server/src/core/diagnostics/catalog';
import { applyEdits } from '../../server/src/core/edits/textEdit';
import type { CodeAction } from '../../server/src/core/features/types';
import { marked } from './caret';
import { assertOnlyEditedBytesChanged } from './edits';
import { checkGolden } from './golden';

/** [title, fixes, preferred] */
export type ExpectedAction = readonly [string, readonly DiagnosticCode[], boolean];

export class CodeActionGoldens {
  /** Golden names some case checked, so a test can fail on goldens no case uses any more. */
  readonly checked = new Set<string>();

  constructor(readonly prefix: string) {}

  check(name: string, input: string, expected: readonly ExpectedAction[], compute: (text: string, start: number, end: number) => readonly CodeAction[]): void {
    const { text, spans } = marked(input);
    assert.equal(spans.length, 1, 'mark the requested range with one «…»');
    const actions = compute(text, spans[0].start, spans[0].end);
    assert.deepEqual(
      actions.map((a) => [a.title, a.fixes, a.isPreferred]),
      expected.map(([title, fixes, preferred]) => [title, fixes, preferred]),
    );
    actions.forEach((action, i) => {
      // An action that waits for a registry answer has no edits yet: its edits are checked once answered.
      if (action.needs !== undefined) return assert.deepEqual(action.edits, []);
      const after = applyEdits(text, action.edits);
      assertOnlyEditedBytesChanged(text, after, action.edits);
      const golden = `${this.prefix}${name}.${i + 1}`;
      this.checked.add(golden);
      checkGolden(golden, text, after);
    });
  }
}
