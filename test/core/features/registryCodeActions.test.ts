/**
 * computeCodeActions with RegistryFacts built as data: "Pin to digest" (keeping or dropping the tag,
 * the index or one platform), "Update pinned digest" on a stale pin, "Unpin", and "Pin all images in
 * file", for container images and for kustomize `images:` entries. Each case marks the requested
 * range with «…» and lists every action there in order; every action's whole result is compared
 * with test/fixtures/features/edits/registryCodeActions.<case>.<n>.{before,after}.yaml
 * (UPDATE_GOLDEN=1 rewrites them), and nothing outside its edits may change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import type { RegistryFacts } from '../../../server/src/core/facts';
import { DEFAULT_SETTINGS, parseSettings } from '../../../server/src/core/settings';
import type { Settings } from '../../../server/src/core/settings';
import { marked } from '../../helpers/caret';
import { CodeActionGoldens } from '../../helpers/codeActionGoldens';
import type { ExpectedAction } from '../../helpers/codeActionGoldens';
import { goldenNamesOnDisk } from '../../helpers/golden';
import { found, foundIndex, MISSING, registryFacts } from '../../helpers/facts';
import { analyzeText, crlf, deployment, DIGEST, kustomization, OTHER_DIGEST, pod } from '../../helpers/manifests';

const goldens = new CodeActionGoldens('registryCodeActions.');

const HUB = 'docker.io/library/nginx';
const ARM = `sha256:${'a'.repeat(64)}`;
const NEW = `sha256:${'e'.repeat(64)}`;

const FACTS = registryFacts({
  manifests: {
    [`${HUB}:1.25.3`]: found(DIGEST),
    [`${HUB}:latest`]: found(NEW),
    [`${HUB}:1.25`]: found(NEW),
    [`${HUB}@${DIGEST}`]: found(DIGEST),
    [`${HUB}:9`]: MISSING,
    'ghcr.io/acme/multi:2.0.0': foundIndex(OTHER_DIGEST, [
      { os: 'linux', architecture: 'amd64', digest: DIGEST, size: 1 },
      { os: 'linux', architecture: 'arm64', variant: 'v8', digest: ARM, size: 1 },
    ]),
    'redis:7': found(NEW),
    'docker.io/library/redis:7': found(NEW),
  },
});

function check(name: string, input: string, expected: readonly ExpectedAction[], settings: Settings = DEFAULT_SETTINGS, facts: RegistryFacts = FACTS): void {
  goldens.check(name, input, expected, (text, start, end) => computeCodeActions(analyzeText(text), start, end, settings, null, facts));
}

const short = (digest: string): string => `${digest.slice(0, 19)}…`;
const SET = (policy: string, isDefault: boolean): ExpectedAction => [`Set imagePullPolicy: ${policy}${isDefault ? ' (the current default)' : ''}`, [], false];
const SET_IF_NOT_PRESENT: readonly ExpectedAction[] = [SET('Always', false), SET('IfNotPresent', true), SET('Never', false)];
const SET_ALWAYS: readonly ExpectedAction[] = [SET('Always', true), SET('IfNotPresent', false), SET('Never', false)];
const PIN_ALL = (n: number, platform = ''): ExpectedAction => [
  `Pin all images in file to their digests: ${n} image${n === 1 ? '' : 's'}${platform}`,
  [],
  false,
];
const app = (lines: string): string => pod(`    - name: app\n${lines}`);

test('pin a tag, keeping the tag and the comment', () => {
  check('pin-tag', app('      image: ngi«»nx:1.25.3 # the web server\n'), [
    [`Pin to digest: ${short(DIGEST)} (the digest :1.25.3 points to now)`, ['not-pinned'], true],
    ...SET_IF_NOT_PRESENT,
    PIN_ALL(1),
  ]);
});

test("pin a tag with keepTag off: repo@digest, in the scalar's own quotes", () => {
  check(
    'pin-drop-tag',
    app('      image: "nginx:1.25.3«»"\n      imagePullPolicy: Always\n'),
    [[`Pin to digest: ${short(DIGEST)} (the digest :1.25.3 points to now)`, ['not-pinned'], true], PIN_ALL(1)],
    parseSettings({ pin: { keepTag: false } }),
  );
});

test('pin :latest and an implied :latest: the tag is not written next to the digest', () => {
  check('pin-latest', app('      image: nginx:lat«»est\n'), [
    [`Pin to digest: ${short(NEW)} (the digest :latest points to now)`, ['latest-tag'], false],
    ...SET_ALWAYS,
    PIN_ALL(1),
  ]);
  check('pin-implicit-latest', app("      image: 'ng«»inx'\n"), [
    [`Pin to digest: ${short(NEW)} (the digest :latest points to now)`, ['implicit-latest'], false],
    ...SET_ALWAYS,
    ['Write :latest explicitly: nginx:latest', ['implicit-latest'], false],
    PIN_ALL(1),
  ]);
});

test('multi-platform: the index by default, or the platform the settings name', () => {
  const input = app('      image: ghcr.io/acme/multi:2.0.0«»\n');
  check('pin-index', input, [
    [`Pin to digest: ${short(OTHER_DIGEST)} (the digest :2.0.0 points to now)`, ['not-pinned'], true],
    ...SET_IF_NOT_PRESENT,
    PIN_ALL(1),
  ]);
  check(
    'pin-platform',
    input,
    [
      [`Pin to digest: ${short(ARM)} (the linux/arm64 image of :2.0.0)`, ['not-pinned'], true],
      ...SET_IF_NOT_PRESENT,
      PIN_ALL(1, ' (linux/arm64 where multi-platform)'),
    ],
    parseSettings({ pin: { platform: 'linux/arm64' } }),
  );
  check(
    'pin-platform-missing',
    input,
    [
      [
        `Pin to digest: ${short(OTHER_DIGEST)} (the digest :2.0.0 points to now; the index has no linux/s390x image, so the index is pinned)`,
        ['not-pinned'],
        true,
      ],
      ...SET_IF_NOT_PRESENT,
      PIN_ALL(1, ' (linux/s390x where multi-platform)'),
    ],
    parseSettings({ pin: { platform: 'linux/s390x' } }),
  );
});

test('a stale pin: update it to what the tag points to now (preferred), or unpin', () => {
  check('update-stale-pin', app(`      image: "nginx:1.25@«»${DIGEST}" # pinned in May\n`), [
    [`Update pinned digest to ${short(NEW)} (what :1.25 points to now)`, ['stale-pin'], true],
    ['Unpin: use the tag :1.25 without a digest', [], false],
    ...SET_IF_NOT_PRESENT,
  ]);
});

test("a pin to one platform's image of the tag's index: pin the index (preferred), keeping the tag; not when pin.platform asks for it", () => {
  const input = app(`      image: ghcr.io/acme/multi:2.0.0@«»${ARM}\n      imagePullPolicy: IfNotPresent\n`);
  check('repin-platform-to-index', input, [
    [`Pin the index ${short(OTHER_DIGEST)} (every platform of :2.0.0)`, ['single-platform-pin'], true],
    ['Unpin: use the tag :2.0.0 without a digest', [], false],
  ]);
  check('repin-platform-deliberate', input, [['Unpin: use the tag :2.0.0 without a digest', [], false]], parseSettings({ pin: { platform: 'linux/arm64' } }));
});

test('a pin that still matches: only unpin', () => {
  check('unpin', app(`      image: nginx:1.25.3@${DIGEST}«»\n      imagePullPolicy: IfNotPresent\n`), [
    ['Unpin: use the tag :1.25.3 without a digest', [], false],
  ]);
});

test('a tag the registry does not have: nothing to pin', () => {
  check('missing-tag', app('      image: nginx:9«»\n      imagePullPolicy: IfNotPresent\n'), []);
});

/** The registry's nginx tags: SemVer releases, partial versions, a word, a prerelease, moving tags. */
const LISTED = registryFacts({
  manifests: {
    ...Object.fromEntries(FACTS.manifests),
    [`${HUB}:1.25.3`]: found(DIGEST),
    [`${HUB}:1.26.2`]: foundIndex(OTHER_DIGEST, [
      { os: 'linux', architecture: 'amd64', digest: DIGEST, size: 1 },
      { os: 'linux', architecture: 'arm64', variant: 'v8', digest: ARM, size: 1 },
    ]),
  },
  tags: { [HUB]: ['1.9', 'latest', '1.25.3', 'alpine', '1.27.0-rc.1', '1.24', 'stable', '1.26.2'] },
});
const USE_TAG = (tag: string, preferred: boolean): ExpectedAction => [`Use tag ${tag}`, ['tag-not-found'], preferred];

test('tag-not-found: the newest three tags, releases first and no moving tag, the newest preferred', () => {
  check(
    'use-newest-tag',
    app('      image: "nginx:9«»" # was 1.24\n      imagePullPolicy: IfNotPresent\n'),
    [USE_TAG('1.26.2', true), USE_TAG('1.25.3', false), USE_TAG('1.24', false)],
    DEFAULT_SETTINGS,
    LISTED,
  );
});

test('tag-not-found on an implied :latest: use a tag or a version, never write the missing :latest', () => {
  const noLatest = registryFacts({ manifests: { [`${HUB}:latest`]: MISSING }, tags: { [HUB]: ['1.9', '2.0'] } });
  check(
    'use-newest-tag-for-implied-latest',
    app('      image: nginx«»\n      imagePullPolicy: Always\n'),
    [
      ['Use tag 2.0', ['tag-not-found'], true],
      ['Use tag 1.9', ['tag-not-found'], false],
      ['Use version 2.0', ['implicit-latest'], true],
      ['Use version 2.0 and its digest', ['implicit-latest'], false],
      ['Use version 1.9', ['implicit-latest'], false],
      ['Use version 1.9 and its digest', ['implicit-latest'], false],
    ],
    DEFAULT_SETTINGS,
    noLatest,
  );
});

test('kustomize: tag-not-found replaces the newTag value only, in its quotes', () => {
  check(
    'use-newest-tag-kustomize',
    kustomization("  - name: nginx\n    newTag: '9'«» # bumped by CI\n"),
    [USE_TAG('1.26.2', true), USE_TAG('1.25.3', false), USE_TAG('1.24', false)],
    DEFAULT_SETTINGS,
    LISTED,
  );
});

test("latest-tag online: the registry's newest versions, each also with its digest (pinned per the settings, or asked when chosen)", () => {
  const expected: ExpectedAction[] = [
    ['Use version 1.26.2', ['latest-tag'], true],
    ['Use version 1.26.2 and its digest', ['latest-tag'], false],
    ['Use version 1.25.3', ['latest-tag'], false],
    ['Use version 1.25.3 and its digest', ['latest-tag'], false],
    ['Use version 1.24', ['latest-tag'], false],
    ['Use version 1.24 and its digest', ['latest-tag'], false],
    [`Pin to digest: ${short(NEW)} (the digest :latest points to now)`, ['latest-tag'], false],
    PIN_ALL(1),
  ];
  check('use-version-online', app('      image: nginx:late«»st\n      imagePullPolicy: Always\n'), expected, DEFAULT_SETTINGS, LISTED);
  check(
    'use-version-online-platform',
    app('      image: nginx:late«»st\n      imagePullPolicy: Always\n'),
    expected.slice(0, -1).concat([PIN_ALL(1, ' (linux/arm64 where multi-platform)')]),
    parseSettings({ pin: { platform: 'linux/arm64' } }),
    LISTED,
  );
  const { text, spans } = marked(app('      image: nginx:late«»st\n      imagePullPolicy: Always\n'));
  const actions = computeCodeActions(analyzeText(text), spans[0].start, spans[0].end, DEFAULT_SETTINGS, null, LISTED);
  const needs = actions.filter((a) => a.needs !== undefined).map((a) => [a.title, a.edits.length, a.needs]);
  assert.deepEqual(needs, [['Use version 1.24 and its digest', 0, { key: `${HUB}:1.24`, registry: 'docker.io', path: 'library/nginx', reference: '1.24' }]]);
  assert.ok(actions.filter((a) => a.needs === undefined).every((a) => a.edits.length > 0));
});

test('pin all images in file: one action for every pinnable image, across documents, flow style and CRLF', () => {
  const text = crlf(
    deployment(
      [
        '        - name: web',
        '          image: «nginx:1.25.3»',
        '          imagePullPolicy: Always',
        `        - {name: side, image: 'ghcr.io/acme/multi:2.0.0', imagePullPolicy: Always}`,
        `        - {name: pinned, image: nginx:1.25@${DIGEST}, imagePullPolicy: Always}`,
        '        - {name: gone, image: nginx:9, imagePullPolicy: Always}',
        '',
      ].join('\n'),
    ) +
      '---\n' +
      pod('    - image: "redis:7"\n      imagePullPolicy: Always\n'),
  );
  check('pin-all', text, [[`Pin to digest: ${short(DIGEST)} (the digest :1.25.3 points to now)`, ['not-pinned'], true], PIN_ALL(3)]);
});

test('kustomize: pin adds `digest:` after newTag at its column, keeping the comment and the rest', () => {
  check('pin-kustomize', kustomization('  - name: nginx # the web server\n    newTag: "1.25«».3" # bumped by CI\n  - name: redis\n    newTag: "7"\n'), [
    [`Pin to digest: ${short(DIGEST)} (the digest :1.25.3 points to now)`, ['not-pinned'], true],
    PIN_ALL(2),
  ]);
});

test('kustomize: in a flow mapping, ", digest: …" after the newTag value', () => {
  check('pin-kustomize-flow', kustomization("  - {name: nginx, newTag: '1.25.3'«»}\n"), [
    [`Pin to digest: ${short(DIGEST)} (the digest :1.25.3 points to now)`, ['not-pinned'], true],
    PIN_ALL(1),
  ]);
});

test('kustomize: keepTag off, or newTag latest, turns the newTag entry into the digest entry', () => {
  check(
    'pin-kustomize-drop-tag',
    kustomization('  - name: nginx\n    newTag: "1.25.3"«» # bumped by CI\n    newName: nginx\n'),
    [[`Pin to digest: ${short(DIGEST)} (the digest :1.25.3 points to now)`, ['not-pinned'], true], PIN_ALL(1)],
    parseSettings({ pin: { keepTag: false } }),
  );
  check('pin-kustomize-latest', kustomization('  - name: nginx\n    newTag: lat«»est\n'), [
    [`Pin to digest: ${short(NEW)} (the digest :latest points to now)`, ['latest-tag'], false],
    PIN_ALL(1),
  ]);
});

test('kustomize: newTag on the dash line, newName, a platform, CRLF', () => {
  const input = crlf(kustomization('  - newTag: 2.0.0«»\n    name: multi\n    newName: ghcr.io/acme/multi\n'));
  check(
    'pin-kustomize-platform',
    input,
    [[`Pin to digest: ${short(ARM)} (the linux/arm64 image of :2.0.0)`, ['not-pinned'], true], PIN_ALL(1, ' (linux/arm64 where multi-platform)')],
    parseSettings({ pin: { platform: 'linux/arm64' } }),
  );
});

test('kustomize: a stale digest is updated in place (preferred), or unpinned by removing the digest line', () => {
  check(
    'update-stale-kustomize',
    kustomization(`  - name: nginx\n    newTag: "1.25"\n    digest: ${DIGEST}«» # pinned in May\n  - name: redis\n    newTag: "7"\n`),
    [
      [`Update pinned digest to ${short(NEW)} (what :1.25 points to now)`, ['stale-pin'], true],
      ['Unpin: use the tag :1.25 without a digest', [], false],
      PIN_ALL(1),
    ],
  );
});

test('pin all in a file with containers and a kustomization: every pinnable image, one action', () => {
  const text =
    kustomization('  - name: nginx\n    newTag: "1.25.3"\n  - name: nginx\n    newTag: "9"\n  - name: redis\n    newTag: "7"\n    digest: ' + DIGEST + '\n') +
    '---\n' +
    deployment('        - name: web\n          image: «nginx:1.25»\n          imagePullPolicy: Always\n');
  check('pin-all-kustomize', text, [[`Pin to digest: ${short(NEW)} (the digest :1.25 points to now)`, ['not-pinned'], true], PIN_ALL(2)]);
});

test('without facts the actions are the offline ones', () => {
  const { text, spans } = marked(app('      image: ngi«»nx:1.25.3\n'));
  const offline = computeCodeActions(analyzeText(text), spans[0].start, spans[0].end, DEFAULT_SETTINGS, null);
  assert.deepEqual(computeCodeActions(analyzeText(text), spans[0].start, spans[0].end, DEFAULT_SETTINGS, null, null), offline);
  assert.deepEqual(
    offline.map((a) => a.title),
    SET_IF_NOT_PRESENT.map(([title]) => title),
  );
});

test('every registryCodeActions golden on disk is checked by a case', () => {
  assert.deepEqual(
    goldenNamesOnDisk(goldens.prefix).filter((name) => !goldens.checked.has(name)),
    [],
  );
});
