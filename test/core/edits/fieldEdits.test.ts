/**
 * The byte-minimal edit primitives on every shape of container they meet: block and flow mappings,
 * `- image:` compact items, quotes, comments, CRLF files, files without a final line break, and
 * block scalars. Each case names the bytes the edit replaces and its new text, then compares the
 * whole edited file with test/fixtures/features/edits/fieldEdits.<name>.{before,after}.yaml and
 * checks that nothing outside the edit changed. Every edit must also pass its check (checkEdits.ts)
 * on the re-read document. UPDATE_GOLDEN=1 rewrites the goldens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEdit } from '../../../server/src/core/edits/checkEdits';
import type { PlannedEdit } from '../../../server/src/core/edits/checkEdits';
import { insertPullPolicy, removeEntry, replaceScalar } from '../../../server/src/core/edits/fieldEdits';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import type { TextEdit } from '../../../server/src/core/edits/textEdit';
import { assertOnlyEditedBytesChanged } from '../../helpers/edits';
import { checkGolden, goldenNamesOnDisk } from '../../helpers/golden';
import { analyzeText, crlf, deployment, DIGEST, pod } from '../../helpers/manifests';

type Operation =
  { readonly replace: 'image' | 'pullPolicy'; readonly value: string } | { readonly insertPullPolicy: string } | { readonly remove: 'image' | 'pullPolicy' };

interface Case {
  readonly input: string;
  readonly operation: Operation;
  /** The edit as [the original text it covers, its new text], or null when none is possible. */
  readonly expected: readonly [string, string] | null;
  /** Which container of the file (in document order); the first by default. */
  readonly container?: number;
}

const GOLDEN_PREFIX = 'fieldEdits.';
const checked = new Set<string>();

function planned(text: string, operation: Operation, index: number): { planned: PlannedEdit | null; doc: { start: number; end: number } } {
  const analysis = analyzeText(text);
  const found = analysis.documents.flatMap((doc) => doc.analysis.fields.containers.map((container) => ({ doc, container })))[index];
  assert.ok(found, `no container #${index}`);
  const { doc, container } = found;
  if ('insertPullPolicy' in operation) return { doc, planned: insertPullPolicy(text, doc.start, container, operation.insertPullPolicy) };
  if ('remove' in operation) {
    const field = operation.remove === 'image' ? container.image : container.pullPolicy;
    assert.ok(field, `container #${index} has no ${operation.remove}`);
    return { doc, planned: removeEntry(text, doc.start, container, field) };
  }
  const scalar = (operation.replace === 'image' ? container.image : container.pullPolicy)?.value;
  assert.ok(scalar, `container #${index} has no ${operation.replace} value`);
  return { doc, planned: replaceScalar(doc.start, scalar, operation.value) };
}

/** The planned edit, which must pass its check. */
function edit(text: string, operation: Operation, index: number): TextEdit | null {
  const { planned: plan, doc } = planned(text, operation, index);
  if (plan === null) return null;
  const result = checkEdit(text, doc, plan);
  assert.ok(result.ok, `the edit was refused: ${result.ok ? '' : result.refusal.reason}`);
  return result.edits[0];
}

function check(name: string, c: Case): void {
  const result = edit(c.input, c.operation, c.container ?? 0);
  if (c.expected === null) {
    assert.equal(result, null);
    return;
  }
  assert.ok(result, 'expected an edit');
  assert.deepEqual([c.input.slice(result.start, result.end), result.newText], c.expected);
  const after = applyEdits(c.input, [result]);
  assertOnlyEditedBytesChanged(c.input, after, [result]);
  checked.add(GOLDEN_PREFIX + name);
  checkGolden(GOLDEN_PREFIX + name, c.input, after);
}

const app = (lines: string): string => pod(`    - name: app\n${lines}`);

const cases: Record<string, Case> = {
  // replaceScalar keeps the quoting style.
  'replace-plain': {
    input: app('      image: nginx # the web server\n      ports: []\n'),
    operation: { replace: 'image', value: 'nginx:latest' },
    expected: ['nginx', 'nginx:latest'],
  },
  'replace-double': {
    input: app('      image: "nginx:1"\n'),
    operation: { replace: 'image', value: `nginx:1@${DIGEST}` },
    expected: ['"nginx:1"', `"nginx:1@${DIGEST}"`],
  },
  'replace-double-escapes': { input: app('      image: "nginx"\n'), operation: { replace: 'image', value: 'a"b\\c' }, expected: ['"nginx"', '"a\\"b\\\\c"'] },
  'replace-single': {
    input: app("      image: 'nginx:latest'\n"),
    operation: { replace: 'image', value: "it's:1" },
    expected: ["'nginx:latest'", "'it''s:1'"],
  },
  'replace-flow': {
    input: pod('    - {name: app, image: nginx, ports: []}\n'),
    operation: { replace: 'image', value: 'nginx:1.25' },
    expected: ['nginx', 'nginx:1.25'],
  },
  'replace-crlf': {
    input: crlf(app('      image: nginx\n      imagePullPolicy: always\n')),
    operation: { replace: 'pullPolicy', value: 'Always' },
    expected: ['always', 'Always'],
  },
  'replace-block-scalar-keeps-line-break': {
    input: app('      image: >-\n        nginx\n      ports: []\n'),
    operation: { replace: 'image', value: 'nginx:latest' },
    expected: ['>-\n        nginx', 'nginx:latest'],
  },
  'replace-second-document': {
    input: `${app('      image: nginx:1\n')}---\n${app('      image: redis\n')}`,
    operation: { replace: 'image', value: 'redis:latest' },
    container: 1,
    expected: ['redis', 'redis:latest'],
  },

  // insertPullPolicy: a new line at the image key's column, or `, key: value` in a flow mapping.
  'insert-compact-dash': {
    input: pod('    - image: nginx:1\n      name: app\n'),
    operation: { insertPullPolicy: 'Never' },
    expected: ['', '\n      imagePullPolicy: Never'],
  },
  'insert-image-not-first': {
    input: app('      image: nginx:1\n      ports: []\n'),
    operation: { insertPullPolicy: 'Always' },
    expected: ['', '\n      imagePullPolicy: Always'],
  },
  'insert-kubectl-indent': {
    input: deployment('      - name: app\n        image: nginx:1\n        ports:\n        - containerPort: 80\n'),
    operation: { insertPullPolicy: 'IfNotPresent' },
    expected: ['', '\n        imagePullPolicy: IfNotPresent'],
  },
  'insert-flow': { input: pod('    - {name: app, image: nginx:1}\n'), operation: { insertPullPolicy: 'Never' }, expected: ['', ', imagePullPolicy: Never'] },
  'insert-flow-image-first': {
    input: pod('    - {image: "nginx:1", name: app}\n'),
    operation: { insertPullPolicy: 'Never' },
    expected: ['', ', imagePullPolicy: Never'],
  },
  'insert-flow-multiline': {
    input: pod('    - {\n        name: app,\n        image: nginx:1\n      }\n'),
    operation: { insertPullPolicy: 'Always' },
    expected: ['', ', imagePullPolicy: Always'],
  },
  'insert-crlf': {
    input: crlf(app('      image: nginx:1\n      ports: []\n')),
    operation: { insertPullPolicy: 'Always' },
    expected: ['', '\r\n      imagePullPolicy: Always'],
  },
  'insert-after-comment': {
    input: app('      image: nginx:1 # pinned by CI\n      ports: []\n'),
    operation: { insertPullPolicy: 'Never' },
    expected: ['', '\n      imagePullPolicy: Never'],
  },
  'insert-double-quoted': {
    input: app('      image: "nginx:1"\n'),
    operation: { insertPullPolicy: 'Never' },
    expected: ['', '\n      imagePullPolicy: Never'],
  },
  'insert-single-quoted': {
    input: app("      image: 'nginx:1'   # note\n"),
    operation: { insertPullPolicy: 'Never' },
    expected: ['', '\n      imagePullPolicy: Never'],
  },
  'insert-no-final-newline': { input: app('      image: nginx:1'), operation: { insertPullPolicy: 'Never' }, expected: ['', '\n      imagePullPolicy: Never'] },
  'insert-after-block-scalar': {
    input: app('      image: >-\n        nginx:1\n      ports:\n        - containerPort: 80\n'),
    operation: { insertPullPolicy: 'Never' },
    expected: ['', '\n      imagePullPolicy: Never'],
  },
  'insert-without-image': { input: app('      ports: []\n'), operation: { insertPullPolicy: 'Never' }, expected: null },

  // removeEntry: the whole line in block style, the entry and one comma in flow style.
  'remove-block': {
    input: app('      image: nginx:1\n      imagePullPolicy: IfNotPresent\n      ports: []\n'),
    operation: { remove: 'pullPolicy' },
    expected: ['      imagePullPolicy: IfNotPresent\n', ''],
  },
  'remove-block-with-comment': {
    input: app('      image: nginx:1\n      imagePullPolicy: IfNotPresent   # as the default\n      ports: []\n'),
    operation: { remove: 'pullPolicy' },
    expected: ['      imagePullPolicy: IfNotPresent   # as the default\n', ''],
  },
  'remove-block-before-image': {
    input: app('      imagePullPolicy: IfNotPresent\n      image: nginx:1\n'),
    operation: { remove: 'pullPolicy' },
    expected: ['      imagePullPolicy: IfNotPresent\n', ''],
  },
  'remove-flow-first': {
    input: pod('    - {imagePullPolicy: IfNotPresent, image: nginx:1, name: app}\n'),
    operation: { remove: 'pullPolicy' },
    expected: ['imagePullPolicy: IfNotPresent, ', ''],
  },
  'remove-flow-middle': {
    input: pod('    - {name: app, imagePullPolicy: IfNotPresent, image: nginx:1}\n'),
    operation: { remove: 'pullPolicy' },
    expected: [', imagePullPolicy: IfNotPresent', ''],
  },
  'remove-flow-last': {
    input: pod('    - {name: app, image: nginx:1, imagePullPolicy: IfNotPresent} # keep me\n'),
    operation: { remove: 'pullPolicy' },
    expected: [', imagePullPolicy: IfNotPresent', ''],
  },
  'remove-flow-multiline-last': {
    input: pod('    - {\n        name: app,\n        image: nginx:1,\n        imagePullPolicy: IfNotPresent\n      }\n'),
    operation: { remove: 'pullPolicy' },
    expected: [',\n        imagePullPolicy: IfNotPresent', ''],
  },
  'remove-flow-multiline-first': {
    input: pod('    - {\n        imagePullPolicy: IfNotPresent,\n        image: nginx:1\n      }\n'),
    operation: { remove: 'pullPolicy' },
    expected: ['imagePullPolicy: IfNotPresent,\n        ', ''],
  },
  'remove-flow-only-entry': { input: pod('    - {imagePullPolicy: IfNotPresent}\n'), operation: { remove: 'pullPolicy' }, expected: null },
  'remove-crlf': {
    input: crlf(app('      image: nginx:1\n      imagePullPolicy: IfNotPresent\n      ports: []\n')),
    operation: { remove: 'pullPolicy' },
    expected: ['      imagePullPolicy: IfNotPresent\r\n', ''],
  },
  'remove-last-line-without-newline': {
    input: app('      image: nginx:1\n      imagePullPolicy: IfNotPresent'),
    operation: { remove: 'pullPolicy' },
    expected: ['\n      imagePullPolicy: IfNotPresent', ''],
  },
  'remove-last-line-without-newline-crlf': {
    input: crlf(app('      image: nginx:1\n      imagePullPolicy: IfNotPresent')),
    operation: { remove: 'pullPolicy' },
    expected: ['\r\n      imagePullPolicy: IfNotPresent', ''],
  },
  'remove-shares-line-with-dash': {
    input: pod('    - imagePullPolicy: IfNotPresent\n      image: nginx:1\n'),
    operation: { remove: 'pullPolicy' },
    expected: null,
  },
  'remove-block-scalar-value': {
    input: app('      image: nginx:1\n      imagePullPolicy: >-\n        IfNotPresent\n      ports: []\n'),
    operation: { remove: 'pullPolicy' },
    expected: ['      imagePullPolicy: >-\n        IfNotPresent\n', ''],
  },
  'remove-image-line': { input: app('      image: nginx:1\n      ports: []\n'), operation: { remove: 'image' }, expected: ['      image: nginx:1\n', ''] },
};

for (const [name, c] of Object.entries(cases)) {
  test(`fieldEdits: ${name}`, () => check(name, c));
}

test('fieldEdits: no stale goldens', { skip: process.env.UPDATE_GOLDEN === '1' ? 'rewriting goldens' : false }, () => {
  assert.deepEqual(goldenNamesOnDisk(GOLDEN_PREFIX), [...checked].sort());
});
