/**
 * computeCompletions: `|` marks the cursor. Each case expects the exact text the completion replaces
 * and the exact items in order, or null where no completion applies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCompletions } from '../../../server/src/core/features/completion';
import type { CompletionItem } from '../../../server/src/core/features/types';
import { mergeFacts } from '../../../server/src/core/workspace';
import type { WorkspaceFacts } from '../../../server/src/core/workspace';
import { caret } from '../../helpers/caret';
import { analyzeText, DIGEST, kustomization, pod } from '../../helpers/manifests';

interface Expected {
  /** The text the chosen item replaces. */
  readonly replaces: string;
  /** Where the replaced text starts, as the text before it on its line. */
  readonly after: string;
  readonly items: readonly CompletionItem[];
}

function check(input: string, workspace: WorkspaceFacts | null, expected: Expected | null, fileName?: string): void {
  const { text, offset } = caret(input);
  const list = computeCompletions(analyzeText(text, fileName), offset, workspace);
  if (expected === null) {
    assert.equal(list, null);
    return;
  }
  assert.ok(list, 'expected completions');
  const lineStart = text.lastIndexOf('\n', list.start - 1) + 1;
  assert.deepEqual(
    { replaces: text.slice(list.start, list.end), after: text.slice(lineStart, list.start), items: list.items },
    { replaces: expected.replaces, after: expected.after, items: expected.items },
  );
}

const DOCS = {
  Always: 'Ask the registry on every container start; pull when the digest changed.',
  IfNotPresent: 'Pull only when the node does not have the image yet.',
  Never: 'Never pull; the image must already be on the node.',
};

/** The three policies in order; `image` names the container image whose default is preselected. */
function policies(image?: string, preselected?: 'Always' | 'IfNotPresent'): CompletionItem[] {
  return (['Always', 'IfNotPresent', 'Never'] as const).map((policy, i) => ({
    label: policy,
    kind: 'policy',
    detail: policy === preselected ? `Kubernetes default for ${image}` : undefined,
    documentation: DOCS[policy],
    sortText: String(i),
    preselect: policy === preselected,
  }));
}

function images(...entries: [string, number][]): CompletionItem[] {
  return entries.map(([label, count], i) => ({
    label,
    kind: 'image',
    detail: `used ${count} time${count === 1 ? '' : 's'} in the workspace`,
    sortText: String(i).padStart(6, '0'),
  }));
}

/** Images other files use: redis:7 three times, nginx:1.25 twice, busybox and alpine once each. */
const WORKSPACE = mergeFacts([
  { definedSecrets: [], images: ['redis:7', 'nginx:1.25', 'busybox'], patches: [] },
  { definedSecrets: [], images: ['redis:7', 'alpine:3.20', 'nginx:1.25'], patches: [] },
  { definedSecrets: [], images: ['redis:7'], patches: [] },
]);
const ALL = images(['redis:7', 3], ['nginx:1.25', 2], ['alpine:3.20', 1], ['busybox', 1]);

const cases: Record<string, [string, WorkspaceFacts | null, Expected | null]> = {
  // imagePullPolicy values, the container's default preselected.
  'policy for a version tag': [
    pod('    - image: nginx:1\n      imagePullPolicy: |\n'),
    null,
    { replaces: '', after: '      imagePullPolicy: ', items: policies('nginx:1', 'IfNotPresent') },
  ],
  'policy for no tag': [
    pod('    - image: nginx\n      imagePullPolicy: If|\n'),
    null,
    { replaces: 'If', after: '      imagePullPolicy: ', items: policies('nginx', 'Always') },
  ],
  'policy replaces the whole word under the cursor': [
    pod('    - image: nginx:latest\n      imagePullPolicy: If|Not # why\n'),
    null,
    { replaces: 'IfNot', after: '      imagePullPolicy: ', items: policies('nginx:latest', 'Always') },
  ],
  'policy for a digest': [
    pod(`    - image: nginx@${DIGEST}\n      imagePullPolicy: |\n`),
    null,
    { replaces: '', after: '      imagePullPolicy: ', items: policies(`nginx@${DIGEST}`, 'IfNotPresent') },
  ],
  'policy before the image in the container': [
    pod('    - imagePullPolicy: |\n      image: nginx\n'),
    null,
    { replaces: '', after: '    - imagePullPolicy: ', items: policies('nginx', 'Always') },
  ],
  'policy without an image: nothing preselected': [
    pod('    - name: app\n      imagePullPolicy: |\n'),
    null,
    { replaces: '', after: '      imagePullPolicy: ', items: policies() },
  ],
  'policy in double quotes': [
    pod('    - image: nginx\n      imagePullPolicy: "Al|"\n'),
    null,
    { replaces: 'Al', after: '      imagePullPolicy: "', items: policies('nginx', 'Always') },
  ],
  'policy in a flow mapping': [
    pod('    - {image: nginx:2, imagePullPolicy: N|}\n'),
    null,
    { replaces: 'N', after: '    - {image: nginx:2, imagePullPolicy: ', items: policies('nginx:2', 'IfNotPresent') },
  ],
  'policy of the second container': [
    pod('    - image: nginx\n    - image: nginx:2\n      imagePullPolicy: |\n'),
    null,
    { replaces: '', after: '      imagePullPolicy: ', items: policies('nginx:2', 'IfNotPresent') },
  ],
  'policy on the last line without a line break': [
    pod('    - image: nginx:1\n      imagePullPolicy: |'),
    null,
    { replaces: '', after: '      imagePullPolicy: ', items: policies('nginx:1', 'IfNotPresent') },
  ],

  // Image names from the workspace, most used first, then by name.
  'image names by use count': [pod('    - name: app\n      image: |\n'), WORKSPACE, { replaces: '', after: '      image: ', items: ALL }],
  'image names after a prefix (the client filters)': [
    pod('    - name: app\n      image: red|\n'),
    WORKSPACE,
    { replaces: 'red', after: '      image: ', items: ALL },
  ],
  'the value under the cursor is replaced whole and not offered': [
    pod('    - name: app\n      image: red|is:6 # old\n'),
    WORKSPACE,
    { replaces: 'redis:6', after: '      image: ', items: ALL },
  ],
  'images of this file count too': [
    pod('    - name: app\n      image: |\n    - name: other\n      image: ghcr.io/acme/web:2\n'),
    WORKSPACE,
    { replaces: '', after: '      image: ', items: images(['redis:7', 3], ['nginx:1.25', 2], ['alpine:3.20', 1], ['busybox', 1], ['ghcr.io/acme/web:2', 1]) },
  ],
  'without workspace facts, this file only': [
    pod('    - image: |\n    - image: busybox\n    - image: ""\n    - image: alpine\n'),
    null,
    { replaces: '', after: '    - image: ', items: images(['alpine', 1], ['busybox', 1]) },
  ],
  'nothing known: an empty list': [pod('    - image: |\n'), null, { replaces: '', after: '    - image: ', items: [] }],
  'in a flow mapping': [pod('    - {name: app, image: |}\n'), WORKSPACE, { replaces: '', after: '    - {name: app, image: ', items: ALL }],
  'in a flow mapping, inside a value': [
    pod('    - {name: app, image: ngi|nx, ports: []}\n'),
    WORKSPACE,
    { replaces: 'nginx', after: '    - {name: app, image: ', items: ALL },
  ],
  'in double quotes': [pod('    - image: "|"\n'), WORKSPACE, { replaces: '', after: '    - image: "', items: ALL }],
  'in single quotes': [pod("    - image: 'bu|sy'\n"), WORKSPACE, { replaces: 'busy', after: "    - image: '", items: ALL }],
  'with a quoted key': [pod('    - "image": |\n'), WORKSPACE, { replaces: '', after: '    - "image": ', items: ALL }],
  'kustomize newName': [kustomization('  - name: nginx\n    newName: |\n'), WORKSPACE, { replaces: '', after: '    newName: ', items: ALL }],

  // Nothing.
  'on the name key': [pod('    - name: |\n'), WORKSPACE, null],
  'before the colon': [pod('    - ima|ge: nginx\n'), WORKSPACE, null],
  'no space after the colon': [pod('    - image:|\n'), WORKSPACE, null],
  'a key that ends in image': [pod('    - name: app\n      env:\n        - name: X\n          sidecar-image: |\n'), WORKSPACE, null],
  'a key that ends in imagePullPolicy': [pod('    - name: app\n      x-imagePullPolicy: |\n'), WORKSPACE, null],
  'after a comment': [pod('    - image: nginx # |\n'), WORKSPACE, null],
  'in a non-manifest': ['apiVersion: v1\nkind: ConfigMap\ndata:\n  image: |\n', WORKSPACE, null],
  'in a file that is no YAML manifest at all': ['image: |\n', WORKSPACE, null],
};

for (const [name, [input, workspace, expected]] of Object.entries(cases)) {
  test(`completion: ${name}`, () => check(input, workspace, expected));
}

test('completion: kustomization.yaml without kind', () => {
  check('images:\n  - name: nginx\n    newName: |\n', WORKSPACE, { replaces: '', after: '    newName: ', items: ALL }, 'kustomization.yaml');
});

test('completion: the document under the cursor decides, not the first one', () => {
  check(`apiVersion: v1\nkind: ConfigMap\n---\n${pod('    - image: |\n')}`, WORKSPACE, { replaces: '', after: '    - image: ', items: ALL });
  check(`${pod('    - image: nginx\n')}---\napiVersion: v1\nkind: ConfigMap\ndata:\n  image: |\n`, WORKSPACE, null);
});
