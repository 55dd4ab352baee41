/**
 * computeCompletions with RegistryFacts built as data, and registryCompletionNeed (which question
 * a front end must ask first). `|` marks the cursor; each case expects the exact replaced text and
 * items, or the offline answer where the registry has nothing to add.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCompletions, registryCompletionNeed, tagDescriptionNeeds } from '../../../server/src/core/features/completion';
import type { CompletionItem } from '../../../server/src/core/features/types';
import type { RegistryFacts } from '../../../server/src/core/facts';
import { caret } from '../../helpers/caret';
import { found, foundIndex, registryFacts } from '../../helpers/facts';
import { analyzeText, DIGEST, kustomization, OTHER_DIGEST, pod } from '../../helpers/manifests';

const HUB = 'docker.io/library/nginx';
const ARM = `sha256:${'a'.repeat(64)}`;

const FACTS = registryFacts({
  tags: {
    [HUB]: ['latest', '1.25', '1.25.3', '1.24.0', 'alpine', 'stable', '1.26.0-rc.1'],
    '127.0.0.1:5000/team/app': { tags: ['v2.0.0', 'v10.0.0'], stale: true },
  },
  manifests: {
    [`${HUB}:1.25.3`]: foundIndex(DIGEST, [
      { os: 'linux', architecture: 'amd64', digest: OTHER_DIGEST, size: 1, created: '2024-05-01T12:00:00Z' },
      { os: 'linux', architecture: 'arm64', variant: 'v8', digest: ARM, size: 1, created: '2024-04-30T12:00:00Z' },
    ]),
    [`${HUB}:1.24.0`]: found(ARM, { platform: { os: 'linux', architecture: 'amd64' }, created: '2024-03-02T10:00:00.5Z' }),
    [`${HUB}:alpine`]: found(ARM, { created: 'yesterday' }),
    [`${HUB}:latest`]: found(OTHER_DIGEST),
    'ghcr.io/acme/web:2.0.0': found(ARM, { stale: true }),
  },
});

function complete(input: string, facts: RegistryFacts | null, fileName?: string) {
  const { text, offset } = caret(input);
  const analysis = analyzeText(text, fileName);
  const list = computeCompletions(analysis, offset, null, facts);
  return { text, offset, list, need: registryCompletionNeed(analysis, offset) };
}

function expectList(input: string, facts: RegistryFacts | null, replaces: string, after: string, items: readonly CompletionItem[], fileName?: string): void {
  const { text, list } = complete(input, facts, fileName);
  assert.ok(list, 'expected completions');
  const lineStart = text.lastIndexOf('\n', list.start - 1) + 1;
  assert.deepEqual({ replaces: text.slice(list.start, list.end), after: text.slice(lineStart, list.start), items: list.items }, { replaces, after, items });
}

const tag = (label: string, i: number, repo = 'nginx', moving = false, cached = '', description?: string): CompletionItem => ({
  label,
  kind: 'tag',
  ...(moving ? { labelDetail: ' moving tag' } : {}),
  ...(description === undefined ? {} : { description }),
  detail: moving ? `moving tag: pushed again and again${cached}` : `tag of ${repo}${cached}`,
  documentation: moving ? `"${label}" is re-pushed over time, so it names different images; pin a digest or pick a version tag.` : undefined,
  sortText: String(i).padStart(6, '0'),
});

const NGINX_TAGS = [
  tag('1.26.0-rc.1', 0),
  tag('1.25.3', 1, 'nginx', false, '', 'linux/amd64, arm64/v8 · 2024-05-01'),
  tag('1.24.0', 2, 'nginx', false, '', 'linux/amd64 · 2024-03-02'),
  tag('1.25', 3),
  tag('alpine', 4),
  tag('latest', 5, 'nginx', true),
  tag('stable', 6, 'nginx', true),
];

test('after the tag colon: the repository tags, newest semver first, moving tags last and marked', () => {
  expectList(pod('    - image: nginx:|\n'), FACTS, '', '    - image: nginx:', NGINX_TAGS);
});

test('the whole tag under the cursor is replaced, and nothing after it', () => {
  expectList(pod('    - image: nginx:1.2|5 # pinned soon\n'), FACTS, '1.25', '    - image: nginx:', NGINX_TAGS);
  expectList(pod(`    - image: "nginx:1|@${DIGEST}"\n`), FACTS, '1', '    - image: "nginx:', NGINX_TAGS);
});

test('a registry with a port: the colon of the port is not the tag colon; a cached list says so', () => {
  const cached = ' (cached: the registry could not be reached)';
  expectList(pod('    - image: 127.0.0.1:5000/team/app:v|\n'), FACTS, 'v', '    - image: 127.0.0.1:5000/team/app:', [
    tag('v10.0.0', 0, '127.0.0.1:5000/team/app', false, cached),
    tag('v2.0.0', 1, '127.0.0.1:5000/team/app', false, cached),
  ]);
  assert.deepEqual(complete(pod('    - image: 127.0.0.1:5|000/team/app\n'), FACTS).need, null);
});

/** A digest row: the digest shown short (a whole one does not fit a suggest widget's row), written whole. */
const digestRow = (digest: string, row: Omit<CompletionItem, 'label' | 'kind' | 'insertText'>): CompletionItem => ({
  label: `${digest.slice(0, 19)}…`,
  insertText: digest,
  kind: 'digest',
  ...row,
});

test('after @: the digest the tag points to now, the index first and then each platform, each row short enough for one line', () => {
  expectList(pod('    - image: nginx:1.25.3@|\n'), FACTS, '', '    - image: nginx:1.25.3@', [
    digestRow(DIGEST, { description: 'linux/amd64, arm64/v8', detail: ':1.25.3 now (index of 2 platforms)', sortText: '000000', preselect: true }),
    digestRow(OTHER_DIGEST, { description: 'linux/amd64', detail: 'linux/amd64 only, from the index :1.25.3 points at', sortText: '000001' }),
    digestRow(ARM, { description: 'linux/arm64/v8', detail: 'linux/arm64/v8 only, from the index :1.25.3 points at', sortText: '000002' }),
  ]);
  expectList(pod(`    - image: nginx@sha|256:${'0'.repeat(64)}\n`), FACTS, `sha256:${'0'.repeat(64)}`, '    - image: nginx@', [
    digestRow(OTHER_DIGEST, { detail: ':latest now (single platform)', sortText: '000000', preselect: true }),
  ]);
});

test('kustomize: newTag gets the tags of newName, else name; digest gets the digest of that tag', () => {
  expectList(kustomization('  - name: nginx\n    newTag: |\n'), FACTS, '', '    newTag: ', NGINX_TAGS);
  expectList(kustomization('  - name: web\n    newName: nginx\n    newTag: "1.2|"\n'), FACTS, '1.2', '    newTag: "', NGINX_TAGS);
  expectList(kustomization('  - name: web\n    newName: ghcr.io/acme/web\n    newTag: 2.0.0\n    digest: |\n'), FACTS, '', '    digest: ', [
    digestRow(ARM, { detail: ':2.0.0 now (single platform) (cached: the registry could not be reached)', sortText: '000000', preselect: true }),
  ]);
  expectList('images:\n  - name: nginx\n    newTag: |\n', FACTS, '', '    newTag: ', NGINX_TAGS, 'kustomization.yaml');
});

test('rows with more than two platforms name the first and count the rest, and two share their OS once, so a row stays within a suggest widget', () => {
  const describedAs = (architectures: string[], os = (_: number): string => 'linux'): string | undefined => {
    const platforms = architectures.map((architecture, i) => ({ os: os(i), architecture, digest: `sha256:${String(i).repeat(64)}`, size: 1 }));
    const facts = registryFacts({ tags: { [HUB]: ['1.0.0'] }, manifests: { [`${HUB}:1.0.0`]: foundIndex(DIGEST, platforms) } });
    return complete(pod('    - image: nginx:|\n'), facts).list?.items[0].description;
  };
  assert.equal(describedAs(['amd64', 'arm64', 'ppc64le', 's390x']), 'linux/amd64 +3');
  assert.equal(describedAs(['amd64', 'arm64', 's390x']), 'linux/amd64 +2');
  assert.equal(describedAs(['amd64', 'arm64']), 'linux/amd64, arm64');
  assert.equal(
    describedAs(['amd64', 'amd64'], (i) => ['linux', 'windows'][i]),
    'linux/amd64, windows/amd64',
  );
  assert.equal(describedAs(['amd64']), 'linux/amd64');
});

test('tagDescriptionNeeds: the manifests of the first eight tags offered that the facts do not answer yet', () => {
  const many = registryFacts({
    tags: { [HUB]: ['latest', ...Array.from({ length: 10 }, (_, i) => `1.${i}.0`)] },
    manifests: { [`${HUB}:1.9.0`]: found(DIGEST), [`${HUB}:1.8.0`]: { status: 'not-found', unknown: 'manifest' } },
  });
  const { text, offset } = caret(pod('    - image: nginx:|\n'));
  const query = (tag: string) => ({ key: `${HUB}:${tag}`, registry: 'docker.io', path: 'library/nginx', reference: tag });
  assert.deepEqual(tagDescriptionNeeds(analyzeText(text), offset, many), ['1.7.0', '1.6.0', '1.5.0', '1.4.0', '1.3.0', '1.2.0'].map(query));
  const digest = caret(pod('    - image: nginx:1.9.0@|\n'));
  assert.deepEqual(tagDescriptionNeeds(analyzeText(digest.text), digest.offset, many), []);
  assert.deepEqual(tagDescriptionNeeds(analyzeText(text), offset, registryFacts()), []);
});

test('what a front end must ask: tags after the colon, one manifest after @, nothing elsewhere', () => {
  assert.deepEqual(complete(pod('    - image: nginx:1|\n'), null).need, { kind: 'tags', key: HUB, registry: 'docker.io', path: 'library/nginx' });
  assert.deepEqual(complete(pod('    - image: ghcr.io/acme/web:2@|\n'), null).need, {
    kind: 'manifest',
    query: { key: 'ghcr.io/acme/web:2', registry: 'ghcr.io', path: 'acme/web', reference: '2' },
  });
  assert.deepEqual(complete(kustomization('  - name: nginx\n    newTag: |\n'), null).need, {
    kind: 'tags',
    key: HUB,
    registry: 'docker.io',
    path: 'library/nginx',
  });
  assert.deepEqual(complete(kustomization('  - name: nginx\n    digest: |\n'), null).need, {
    kind: 'manifest',
    query: { key: `${HUB}:latest`, registry: 'docker.io', path: 'library/nginx', reference: 'latest' },
  });
  for (const input of [
    pod('    - image: ngi|nx:1\n'),
    pod('    - image: |\n'),
    pod('    - image: Nginx:|\n'),
    pod('    - imagePullPolicy: |\n'),
    kustomization('  - newTag: |\n'),
  ]) {
    assert.equal(complete(input, null).need, null, input);
  }
});

test('where the registry has nothing to add, completion is what it is offline', () => {
  const offline = (input: string) => {
    const { text, offset } = caret(input);
    return computeCompletions(analyzeText(text), offset, null);
  };
  for (const input of [
    pod('    - image: redis:|\n'),
    pod('    - image: ngi|nx:1.25\n'),
    pod('    - image: redis:7@|\n'),
    pod('    - image: |\n    - image: nginx:1.25\n'),
  ]) {
    assert.deepEqual(complete(input, FACTS).list, offline(input), input);
  }
  // Kustomize tags and digests exist only online.
  assert.equal(complete(kustomization('  - name: redis\n    newTag: |\n'), FACTS).list, null);
  assert.equal(complete(kustomization('  - name: nginx\n    newTag: |\n'), null).list, null);
});
