/**
 * computeInlayHints: a hint right after each image value whose container sets no imagePullPolicy.
 * Each case lists the hints as [the line text before the hint, label, tooltip] in source order
 * (the order hints are returned in is no contract: LSP clients place them by position).
 * The requested range is the whole file unless a case marks it with «…».
 * A label is `key = value`: after an image, even inside a flow mapping, it must not read as one more YAML entry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeInlayHints } from '../../../server/src/core/features/inlayHints';
import { DEFAULT_SETTINGS, parseSettings } from '../../../server/src/core/settings';
import type { Settings } from '../../../server/src/core/settings';
import { marked } from '../../helpers/caret';
import { analyzeText, DIGEST, pod } from '../../helpers/manifests';

type Hint = readonly [string, string, string];

function check(input: string, expected: readonly Hint[], settings: Settings = DEFAULT_SETTINGS): void {
  const { text, spans } = marked(input);
  const range = spans[0] ?? { start: 0, end: text.length };
  const hints = computeInlayHints(analyzeText(text), range.start, range.end, settings);
  assert.deepEqual(
    [...hints].sort((a, b) => a.offset - b.offset).map((h) => [text.slice(text.lastIndexOf('\n', h.offset - 1) + 1, h.offset), h.label, h.tooltip]),
    expected.map((h) => [...h]),
  );
}

const because = (policy: string, reason: string): string => `Kubernetes defaults imagePullPolicy to ${policy} because ${reason} (SetDefaults_Container).`;
const ALWAYS_NO_TAG: Hint = ['    - image: nginx', 'imagePullPolicy = Always', because('Always', 'the image has no tag, so it means :latest')];

const cases: Record<string, [string, Hint[], Settings?]> = {
  'no tag: Always': [pod('    - image: nginx\n'), [ALWAYS_NO_TAG]],
  ':latest: Always': [
    pod('    - image: nginx:latest # moving\n'),
    [['    - image: nginx:latest', 'imagePullPolicy = Always', because('Always', 'the tag is :latest')]],
  ],
  'version tag in quotes: after the closing quote': [
    pod('    - image: "nginx:1"\n'),
    [['    - image: "nginx:1"', 'imagePullPolicy = IfNotPresent', because('IfNotPresent', 'the tag :1 is not :latest')]],
  ],
  'digest only': [
    pod(`    - {name: a, image: nginx@${DIGEST}}\n`),
    [
      [
        `    - {name: a, image: nginx@${DIGEST}`,
        'imagePullPolicy = IfNotPresent',
        because('IfNotPresent', 'the image is pinned by digest and has no tag, so no :latest is implied'),
      ],
    ],
  ],
  'latest and a digest': [
    pod(`    - image: nginx:latest@${DIGEST}\n`),
    [[`    - image: nginx:latest@${DIGEST}`, 'imagePullPolicy = Always', because('Always', 'the tag is :latest; the digest does not change that')]],
  ],
  'an invalid reference': [
    pod('    - image: Nginx\n'),
    [
      [
        '    - image: Nginx',
        'imagePullPolicy = IfNotPresent',
        because('IfNotPresent', 'it cannot parse the image (repository name must be lowercase), and a parse error leaves the tag empty'),
      ],
    ],
  ],
  'none when a policy is set (even an invalid one)': [
    pod('    - image: nginx\n      imagePullPolicy: Never\n    - image: nginx\n      imagePullPolicy: sometimes\n'),
    [],
  ],
  'a policy set to "" is defaulted, so it gets the hint': [pod('    - image: nginx\n      imagePullPolicy: ""\n'), [ALWAYS_NO_TAG]],
  'none for a templated image': [pod('    - image: nginx:${TAG}\n'), []],
  'none without an image': [pod('    - name: a\n    - image:\n    - image: ~\n'), []],
  'none in a non-manifest': ['apiVersion: v1\nkind: ConfigMap\ndata:\n  image: nginx\n', []],
  'every container of every list': [
    pod('    - image: nginx\n    - image: redis:7\n      imagePullPolicy: Always\n    - image: busybox:1\n', '  initContainers:\n    - image: alpine\n'),
    [
      ['    - image: alpine', 'imagePullPolicy = Always', because('Always', 'the image has no tag, so it means :latest')],
      ALWAYS_NO_TAG,
      ['    - image: busybox:1', 'imagePullPolicy = IfNotPresent', because('IfNotPresent', 'the tag :1 is not :latest')],
    ],
  ],
  'the setting turns them off': [pod('    - image: nginx\n'), [], parseSettings({ inlayHints: { pullPolicy: false } })],
  'a range that ends before the image has none': [pod('    - image: nginx\n').replace('kind: Pod', '«kind»: Pod'), []],
  'a range that ends right at the hint includes it': [pod('    - image: «nginx»\n'), [ALWAYS_NO_TAG]],
  'a range that starts right after the hint includes it': [pod('    - image: nginx«\n»'), [ALWAYS_NO_TAG]],
  'only the images inside the range': [
    pod('    - image: nginx\n    - image: «redis:7\n    - image: busybox»:1\n    - image: alpine\n'),
    [['    - image: redis:7', 'imagePullPolicy = IfNotPresent', because('IfNotPresent', 'the tag :7 is not :latest')]],
  ],
  'inside a flow mapping: not one more entry': [
    pod('    - {name: web, image: nginx}\n'),
    [['    - {name: web, image: nginx', 'imagePullPolicy = Always', because('Always', 'the image has no tag, so it means :latest')]],
  ],
  'limited to lines where they fit: the line and the hint within maxLineLength columns': [
    // 18 columns + a space + 24 = 43; the comment makes the second line 30 + 25 = 55.
    pod('    - image: nginx\n    - image: nginx # a comment\n'),
    [ALWAYS_NO_TAG],
    parseSettings({ inlayHints: { maxLineLength: 45 } }),
  ],
  'a range in a later document': [
    `${pod('    - image: nginx\n')}---\n«${pod('    - image: redis:7\n')}»`,
    [['    - image: redis:7', 'imagePullPolicy = IfNotPresent', because('IfNotPresent', 'the tag :7 is not :latest')]],
  ],
};

for (const [name, [input, expected, settings]] of Object.entries(cases)) {
  test(`inlayHints: ${name}`, () => check(input, expected, settings));
}
