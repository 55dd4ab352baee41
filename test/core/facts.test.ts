/**
 * The core does not trust RegistryFacts: a found manifest whose digest, or any of its platforms'
 * digests, is not a valid OCI digest (`sha256:` + 64 or `sha512:` + 128 lowercase hex) is read as a
 * failed question with a reason, and tags that are not valid tags are left out of tag lists, so no
 * hover, completion or edit ever shows or writes them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestAnswer, tagsOf } from '../../server/src/core/facts';
import type { ManifestAnswer } from '../../server/src/core/facts';
import { computeCompletions } from '../../server/src/core/features/completion';
import { registryLines } from '../../server/src/core/features/registryHover';
import { parseReference } from '../../server/src/core/reference/reference';
import { caret } from '../helpers/caret';
import { found, foundIndex, registryFacts } from '../helpers/facts';
import { analyzeText, DIGEST, pod } from '../helpers/manifests';

const KEY = 'docker.io/library/nginx:1.25';
const SHA512 = `sha512:${'b'.repeat(128)}`;

/** Digests a registry (or a cache file) may hand over that must never be used. */
const HOSTILE: readonly unknown[] = [
  `${DIGEST}, command: [sh, -c, x]`,
  `${DIGEST}\n    command: [sh, -c, x]`,
  `${DIGEST}"`,
  `${DIGEST} # x`,
  DIGEST.toUpperCase(),
  `sha256:${'C'.repeat(64)}`,
  `sha256:${'c'.repeat(63)}`,
  `sha384:${'a'.repeat(96)}`,
  `sha256:${'c'.repeat(63)}é`,
  '',
  42,
  null,
];

function answerFor(answer: ManifestAnswer): ManifestAnswer | undefined {
  return manifestAnswer(registryFacts({ manifests: { [KEY]: answer } }), KEY);
}

test('a found answer with valid digests is used as it is', () => {
  const index = foundIndex(DIGEST, [{ os: 'linux', architecture: 'arm64', digest: SHA512, size: 1 }]);
  assert.equal(answerFor(index), index);
});

test('a found answer whose digest is not a valid OCI digest is a failed question that says why', () => {
  for (const digest of HOSTILE) {
    const answer = answerFor(found(digest as string));
    assert.equal(answer?.status, 'failed', String(digest));
    const reason = answer?.status === 'failed' ? (answer.reason ?? '') : '';
    assert.match(reason, /^the registry answered (the digest ".*"|a digest that is not text), which is not sha256 with 64 or sha512 with 128 lowercase hex/);
    assert.match(reason, /characters, so it is not used$/);
  }
  const quoted = answerFor(found(`${DIGEST}\n    command: [sh]`));
  assert.ok(quoted?.status === 'failed' && !quoted.reason?.includes('\n'), 'the reason escapes the line break');
});

test('one invalid platform digest makes the whole index answer unusable', () => {
  for (const digest of HOSTILE) {
    const index = foundIndex(DIGEST, [
      { os: 'linux', architecture: 'amd64', digest: SHA512, size: 1 },
      { os: 'linux', architecture: 'arm64', digest: digest as string, size: 1 },
    ]);
    assert.equal(answerFor(index)?.status, 'failed', String(digest));
  }
  assert.equal(answerFor({ ...found(DIGEST), platforms: 'linux/arm64' as never })?.status, 'failed');
});

test('tag lists keep only valid tags', () => {
  const hostile = ['1.25\n  command: [sh]', '1.25, x', '-x', '', 'x'.repeat(129), 'ünï', 7 as never];
  const facts = registryFacts({ tags: { 'docker.io/library/nginx': ['1.25', ...hostile, 'latest'] } });
  const repository = { domain: 'docker.io', path: 'library/nginx' };
  assert.deepEqual(tagsOf(facts, repository)?.tags, ['1.25', 'latest']);
  const clean = registryFacts({ tags: { 'docker.io/library/nginx': ['1.25'] } });
  assert.equal(tagsOf(clean, repository), clean.tags.get('docker.io/library/nginx'));
});

test('completion offers neither hostile tags nor hostile digests', () => {
  const tags = registryFacts({ tags: { 'docker.io/library/nginx': ['1.25', '1.26\n      command: [sh, -c, x]', '1.27 # x'] } });
  const atTag = caret(pod('    - name: app\n      image: nginx:1.|\n'));
  assert.deepEqual(
    computeCompletions(analyzeText(atTag.text), atTag.offset, null, tags)?.items.map((i) => i.label),
    ['1.25'],
  );
  const index = foundIndex(DIGEST, [{ os: 'linux', architecture: 'arm64', digest: `${DIGEST}, command: [sh]`, size: 1 }]);
  const digests = registryFacts({ manifests: { [KEY]: index } });
  const atDigest = caret(pod('    - name: app\n      image: nginx:1.25@|\n'));
  const items = computeCompletions(analyzeText(atDigest.text), atDigest.offset, null, digests)?.items ?? [];
  assert.ok(
    items.every((item) => !item.label.includes('command')),
    JSON.stringify(items.map((i) => i.label)),
  );
});

test('the hover does not show a hostile digest', () => {
  const ref = parseReference('nginx:1.25');
  assert.ok(ref.ok);
  const lines = registryLines(ref.value, registryFacts({ manifests: { [KEY]: found(`${DIGEST}\n\n**trust me**`) } }));
  assert.ok(!lines.join('\n').includes('trust me'), lines.join('\n'));
});
