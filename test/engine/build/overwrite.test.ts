/**
 * The guard before a push: what the tag names now, read from a real registry on loopback through
 * the real client (an index with attestations, a single image, a tag that moves, a new tag, a new
 * repository, a registry that answers 503), and the question both front ends ask from it. A fake
 * client stands in only for a registry whose answer is hostile in ways the real one cannot be made to be.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { guardPush, overwriteQuestion, tagBeforePush } from '../../../server/src/engine';
import type { OverwriteQuestion, TagBeforePush } from '../../../server/src/engine';
import { createRegistryClient } from '../../../server/src/registry';
import type { ManifestInfo, RegistryClient } from '../../../server/src/registry';
import { moveTag, pushImage, pushIndex, respond, startMisbehavingServer, startRegistry } from '../../helpers/registry';
import type { MisbehavingServer, PushedIndex, RunningRegistry } from '../../helpers/registry';

let registry: RunningRegistry;
let down: MisbehavingServer;
let index: PushedIndex;
let client: RegistryClient;

before(async () => {
  [registry, down] = await Promise.all([startRegistry(), startMisbehavingServer(respond(503, 'maintenance\n'))]);
  index = await pushIndex(registry, 'demo/web', '2.4.1', ['linux/amd64', 'linux/arm64'], { attestations: true, created: '2024-05-01T12:00:00Z' });
  await pushImage(registry, 'demo/worker', '1.0', { created: '2024-06-15T08:30:00Z' });
  client = createRegistryClient({ env: { PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0 });
});

after(async () => {
  client?.close();
  await Promise.all([registry?.stop(), down?.stop()]);
});

test('tagBeforePush: an index with its platforms (attestations left out) and date; a single image; a new tag or repository', async () => {
  assert.deepEqual(await tagBeforePush(`${registry.host}/demo/web:2.4.1`, client), {
    state: 'names',
    digest: index.digest,
    isIndex: true,
    platforms: ['linux/amd64', 'linux/arm64'],
    created: '2024-05-01 12:00 UTC',
    stale: false,
  });
  const worker = await tagBeforePush(`${registry.host}/demo/worker:1.0`, client);
  assert.deepEqual(
    { ...worker, digest: undefined },
    {
      state: 'names',
      digest: undefined,
      isIndex: false,
      platforms: ['linux/amd64'],
      created: '2024-06-15 08:30 UTC',
      stale: false,
    },
  );
  assert.deepEqual(await tagBeforePush(`${registry.host}/demo/web:2.5.0`, client), { state: 'new' });
  assert.deepEqual(await tagBeforePush(`${registry.host}/demo/never-pushed:1.0`, client), { state: 'new' });
});

test('tagBeforePush asks past the cache: a tag pushed again since the last question names the new digest', async () => {
  const first = await tagBeforePush(`${registry.host}/demo/worker:1.0`, client);
  const moved = await moveTag(registry, 'demo/worker', '1.0', { created: '2024-07-01T00:00:00Z' });
  const second = await tagBeforePush(`${registry.host}/demo/worker:1.0`, client);
  assert.ok(first.state === 'names' && second.state === 'names');
  assert.notEqual(first.digest, moved.digest);
  assert.equal(second.digest, moved.digest);
  assert.equal(second.created, '2024-07-01 00:00 UTC');
});

test('tagBeforePush: a registry that cannot answer is "unknown", with the reason naming it', async () => {
  const answer = await tagBeforePush(`${down.host}/demo/web:2.4.1`, client);
  assert.equal(answer.state, 'unknown');
  assert.match((answer as { reason: string }).reason, new RegExp(`^${down.host.replace(/[.]/g, '\\.')} failed \\(server error 503\\)\\.$`));
});

test('tagBeforePush: platform names and dates a registry writes are shown only when they are plausible', async () => {
  const hostile: ManifestInfo = {
    digest: `sha256:${'a'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    size: 100,
    isIndex: true,
    platforms: [
      { os: 'linux', architecture: 'amd64', digest: `sha256:${'b'.repeat(64)}`, size: 1, created: 'yesterday' },
      { os: 'linux\nOverwrite? yes', architecture: 'arm64', digest: `sha256:${'c'.repeat(64)}`, size: 1, created: `2024-01-01T00:00:00Z${' '.repeat(100)}` },
    ],
    fromCache: false,
    stale: true,
  };
  const fake: RegistryClient = { ...client, getManifest: () => Promise.resolve(hostile) };
  assert.deepEqual(await tagBeforePush('127.0.0.1:5000/demo/web:1', fake), {
    state: 'names',
    digest: hostile.digest,
    isIndex: true,
    platforms: ['linux/amd64', 'unknown'],
    created: null,
    stale: true,
  });
});

const INDEX: TagBeforePush = {
  state: 'names',
  digest: `sha256:${'1'.repeat(64)}`,
  isIndex: true,
  platforms: ['linux/amd64', 'linux/arm64'],
  created: '2024-05-01 12:00 UTC',
  stale: false,
};
const IMAGE = '127.0.0.1:5000/demo/web:2.4.1';

test('overwriteQuestion: a multi-platform index replaced by a build of one platform is said in so many words', () => {
  assert.deepEqual(overwriteQuestion(IMAGE, INDEX, { kind: 'built', platform: null }), {
    message: `Overwrite the 2-platform index ${IMAGE} with a single-platform image?`,
    summary:
      `${IMAGE} names ${INDEX.digest}, a 2-platform index (linux/amd64, linux/arm64) created 2024-05-01 12:00 UTC; ` +
      'the push replaces it with a single-platform image',
    detail: [
      `${IMAGE} names a 2-platform index (linux/amd64, linux/arm64), created 2024-05-01 12:00 UTC:`,
      INDEX.digest,
      '',
      `Pushing replaces it with the image just built, for one platform (the build tool's default): the tag no longer serves the other platforms, ` +
        `and everything that pulls ${IMAGE} gets the new image.`,
    ].join('\n'),
    action: 'Overwrite',
  });
  const local = overwriteQuestion(IMAGE, INDEX, { kind: 'local' });
  assert.match(
    local?.detail ?? '',
    /Pushing replaces it with the local image, counted as one platform \(the build tool cannot say whether it holds a manifest list/,
  );
});

test('overwriteQuestion: a single image, a cached answer, an unknown tag, a new tag', () => {
  const single: TagBeforePush = { ...INDEX, isIndex: false, platforms: ['linux/amd64'], created: null, stale: true };
  assert.deepEqual(overwriteQuestion(IMAGE, single, { kind: 'built', platform: 'linux/arm64' }), {
    message: `Overwrite ${IMAGE}? The tag already names an image (linux/amd64).`,
    summary: `${IMAGE} names ${INDEX.digest}, an image (linux/amd64) (an earlier answer: the registry could not be reached now); the push replaces it`,
    detail: [
      `${IMAGE} names an image (linux/amd64), date unknown:`,
      INDEX.digest,
      '(An earlier answer: the registry could not be reached now.)',
      '',
      `Pushing replaces it with the image just built, for one platform (linux/arm64): everything that pulls ${IMAGE} gets the new image.`,
    ].join('\n'),
    action: 'Overwrite',
  });
  assert.deepEqual(overwriteQuestion(IMAGE, { state: 'unknown', reason: '127.0.0.1:5000 could not be reached: connect ECONNREFUSED.' }, { kind: 'local' }), {
    message: `Could not find out whether ${IMAGE} already names an image, so a push may overwrite it.`,
    summary: `could not find out whether ${IMAGE} already names an image: 127.0.0.1:5000 could not be reached: connect ECONNREFUSED`,
    detail:
      '127.0.0.1:5000 could not be reached: connect ECONNREFUSED.\nPushing puts the local image, counted as one platform ' +
      '(the build tool cannot say whether it holds a manifest list under this name) under the tag, whatever it names now.',
    action: 'Push Anyway',
  });
  assert.equal(overwriteQuestion(IMAGE, { state: 'new' }, { kind: 'local' }), null);
});

test('guardPush asks only when the tag names something (or cannot be told), and not again for what the user already agreed to', async () => {
  const asked: OverwriteQuestion[] = [];
  const answer = (push: boolean) => (question: OverwriteQuestion) => {
    asked.push(question);
    return Promise.resolve(push);
  };
  const source = { kind: 'built', platform: null } as const;
  const existing = `${registry.host}/demo/web:2.4.1`;

  const declined = await guardPush(existing, client, { source, confirm: answer(false) });
  assert.equal(declined.push, false);
  assert.equal(asked.length, 1);
  assert.match(asked[0].message, /^Overwrite the 2-platform index /);

  const accepted = await guardPush(existing, client, { source, confirm: answer(true) });
  assert.deepEqual([accepted.push, asked.length], [true, 2]);

  // Agreed before the build, and the tag still names the same index: not asked again.
  const again = await guardPush(existing, client, { source, confirm: answer(false), agreed: accepted.before });
  assert.deepEqual([again.push, asked.length], [true, 2]);

  // Agreed to a tag that was new then, but someone pushed it meanwhile: asked.
  const raced = await guardPush(existing, client, { source, confirm: answer(false), agreed: { state: 'new' } });
  assert.deepEqual([raced.push, asked.length], [false, 3]);

  const fresh = await guardPush(`${registry.host}/demo/web:3.0.0`, client, { source, confirm: answer(false) });
  assert.deepEqual([fresh.push, fresh.before, asked.length], [true, { state: 'new' }, 3]);

  const unknown = await guardPush(`${down.host}/demo/web:2.4.1`, client, { source, confirm: answer(false) });
  assert.deepEqual([unknown.push, asked.length, asked[3].action], [false, 4, 'Push Anyway']);
});
