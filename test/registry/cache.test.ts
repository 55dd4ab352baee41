/**
 * The client's cache against a real registry, with requests counted on a proxy in front of it: repeated and
 * concurrent calls, the disk cache shared by a new client, the tag TTL (on an injected clock), `fresh`, and stale
 * answers when the registry is gone or failing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient, RegistryClientOptions } from '../../server/src/registry';
import { delay, moveTag, proxy, pushImage, pushIndex, respond, startMisbehavingServer, startRegistry } from '../helpers/registry';
import { fillDisk, smallTmpfs } from '../helpers/fileSystems';
import { rejectsWith } from '../helpers/registry/assertions';
import { deferred, within } from '../helpers/events';
import type { MisbehavingServer, RunningRegistry } from '../helpers/registry';

let registry: RunningRegistry;
const cleanups: Array<() => unknown> = [];

before(async () => {
  registry = await startRegistry({ auth: 'basic' });
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await registry?.stop();
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-cache-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function front(): Promise<MisbehavingServer> {
  const server = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => server.stop());
  return server;
}

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance(ms: number): void } {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms) };
}

/** A client with alice's password for `host`; `home` is shared when two clients must share a config. */
function clientFor(host: string, options: RegistryClientOptions = {}): RegistryClient {
  const home = temporaryDir();
  mkdirSync(join(home, '.docker'));
  const auth = Buffer.from('alice:alice-password').toString('base64');
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }));
  const client = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 3000, retryBackoffMs: 10, ...options });
  cleanups.push(() => client.close());
  return client;
}

test('a second call makes no request at all and says it came from the cache', async () => {
  await pushImage(registry, 'cache/again', 'v1');
  const server = await front();
  const client = clientFor(server.host);
  const repo = { registry: server.host, path: 'cache/again' };
  assert.equal((await client.listTags(repo)).fromCache, false);
  const first = await client.getManifest({ ...repo, reference: 'v1' });
  assert.equal(first.fromCache, false);
  const before = server.requests.length;
  const tags = await client.listTags(repo);
  const second = await client.getManifest({ ...repo, reference: 'v1' });
  const byDigest = await client.getManifest({ ...repo, reference: first.digest });
  const digestOnly = await client.getManifest({ ...repo, reference: 'v1' }, { detail: 'digest' });
  assert.equal(server.requests.length, before, 'no request after the first calls');
  assert.deepEqual([tags.fromCache, second.fromCache, byDigest.fromCache, digestOnly.fromCache], [true, true, true, true]);
  assert.deepEqual({ ...second, fromCache: false }, first);
  assert.equal(digestOnly.digest, first.digest);
});

test('a digest-only lookup whose tag is cached makes no request, in the same client and in a new one on the cache directory', async () => {
  const pushed = await pushImage(registry, 'cache/pin', 'v1');
  const server = await front();
  const cacheDir = temporaryDir();
  const ref = { registry: server.host, path: 'cache/pin', reference: 'v1' };
  const first = await clientFor(server.host, { cacheDir }).getManifest(ref, { detail: 'digest' });
  assert.deepEqual([first.digest, first.fromCache], [pushed.digest, false]);
  const before = server.requests.length;
  // Only the tag's digest was cached (a HEAD), not the manifest: the digest answer must still need no request.
  const again = await clientFor(server.host, { cacheDir }).getManifest(ref, { detail: 'digest' });
  assert.deepEqual([again.digest, again.mediaType, again.size, again.fromCache], [pushed.digest, pushed.mediaType, pushed.size, true]);
  assert.equal(
    server.requests.length,
    before,
    server.requests
      .slice(before)
      .map((r) => `${r.method} ${r.path}`)
      .join(', '),
  );
});

test('concurrent identical calls share one request each', async () => {
  const pushed = await pushImage(registry, 'cache/together', 'v1');
  const server = await front();
  server.on(/^\/v2\/cache\/together\//, delay(50, proxy(registry)));
  const client = clientFor(server.host);
  const repo = { registry: server.host, path: 'cache/together' };
  const [lists, manifests] = await Promise.all([
    Promise.all(Array.from({ length: 5 }, () => client.listTags(repo))),
    Promise.all(Array.from({ length: 5 }, () => client.getManifest({ ...repo, reference: 'v1' }))),
  ]);
  assert.ok(lists.every((list) => list.tags[0] === 'v1'));
  assert.equal(new Set(manifests.map((m) => m.digest)).size, 1);
  const paths = server.requests.map((r) => `${r.method} ${r.path}`).filter((p) => p !== 'GET /v2/');
  // The body is wanted, so one GET by tag gives it and its digest (not a HEAD and then a GET by digest).
  assert.deepEqual(
    paths.sort(),
    [`GET /v2/cache/together/blobs/${pushed.configDigest}`, 'GET /v2/cache/together/manifests/v1', 'GET /v2/cache/together/tags/list'].sort(),
  );
  assert.equal(manifests[0].digest, pushed.digest);
});

test('one caller cancelling does not cancel the request the others share', async () => {
  await pushImage(registry, 'cache/cancel', 'v1');
  const server = await front();
  // The tag list is held at the registry until the test lets it through.
  const arrived = deferred();
  const gate = deferred();
  const forward = proxy(registry);
  server.on('/v2/cache/cancel/tags/list', async (request, response, body) => {
    arrived.resolve();
    await gate.promise;
    await forward(request, response, body);
  });
  const client = clientFor(server.host);
  const controller = new AbortController();
  const repo = { registry: server.host, path: 'cache/cancel' };
  const leaving = client.listTags(repo, { signal: controller.signal });
  const staying = client.listTags(repo);
  await within(arrived.promise, 'The shared tag list request reaching the registry');
  controller.abort();
  await rejectsWith(leaving, 'ABORTED');
  gate.resolve();
  assert.deepEqual((await staying).tags, ['v1']);
  assert.equal(server.count('/v2/cache/cancel/tags/list'), 1);
});

test('the disk cache serves a new client instance without requests, and holds no secrets', async () => {
  const pushed = await pushIndex(registry, 'cache/disk', 'v1', ['linux/amd64', 'linux/arm64']);
  const server = await front();
  const cacheDir = temporaryDir();
  const repo = { registry: server.host, path: 'cache/disk' };
  const first = clientFor(server.host, { cacheDir });
  await first.listTags(repo);
  const original = await first.getManifest({ ...repo, reference: 'v1' }, { detail: 'platforms' });
  first.close();
  const before = server.requests.length;

  const second = clientFor(server.host, { cacheDir });
  const tags = await second.listTags(repo);
  const again = await second.getManifest({ ...repo, reference: 'v1' }, { detail: 'platforms' });
  const lessDetail = await second.getManifest({ ...repo, reference: 'v1' });
  assert.equal(server.requests.length, before);
  assert.deepEqual(tags, { tags: ['v1'], fromCache: true, stale: false });
  assert.deepEqual(again, { ...original, fromCache: true });
  assert.equal(lessDetail.digest, pushed.digest);
  assert.ok(again.platforms?.every((p) => typeof p.totalSize === 'number'));

  const files = readdirSync(join(cacheDir, 'v1'));
  assert.ok(files.length >= 4);
  const contents = files.map((f) => readFileSync(join(cacheDir, 'v1', f), 'utf8')).join('\n');
  assert.ok(!contents.includes('alice-password') && !contents.includes(Buffer.from('alice:alice-password').toString('base64')));
});

test('a corrupted or foreign cache file is ignored and rewritten', async () => {
  await pushImage(registry, 'cache/corrupt', 'v1');
  const server = await front();
  const cacheDir = temporaryDir();
  const repo = { registry: server.host, path: 'cache/corrupt' };
  const first = clientFor(server.host, { cacheDir });
  await first.listTags(repo);
  for (const file of readdirSync(join(cacheDir, 'v1'))) writeFileSync(join(cacheDir, 'v1', file), '{"key":"something else","storedAt":1,"value":["x"]}');
  const second = clientFor(server.host, { cacheDir });
  assert.deepEqual(await second.listTags(repo), { tags: ['v1'], fromCache: false, stale: false });
});

test('a cache directory on a full disk: the answer still comes, the entry on disk stays whole, no temporary file is left', async (t) => {
  await pushImage(registry, 'cache/full', 'v1');
  const server = await front();
  const cacheDir = smallTmpfs(t, 64);
  const repo = { registry: server.host, path: 'cache/full' };
  const ref = { ...repo, reference: 'v1' };
  const first = clientFor(server.host, { cacheDir });
  const pinned = await first.getManifest(ref);
  const stored = Object.fromEntries(readdirSync(join(cacheDir, 'v1')).map((name) => [name, readFileSync(join(cacheDir, 'v1', name), 'utf8')]));
  fillDisk(cacheDir);

  await pushImage(registry, 'cache/full', 'v2');
  const second = clientFor(server.host, { cacheDir });
  assert.deepEqual((await second.getManifest(ref, { fresh: true })).digest, pinned.digest);
  assert.deepEqual((await second.listTags(repo)).tags.slice().sort(), ['v1', 'v2'], 'a new entry that cannot be stored is still the answer');
  const names = readdirSync(join(cacheDir, 'v1'));
  assert.deepEqual(Object.fromEntries(names.map((name) => [name, readFileSync(join(cacheDir, 'v1', name), 'utf8')])), stored, 'the disk holds what it held');
});

test('tags and tag → digest expire after tagTtlMs; manifests by digest never do', async () => {
  const old = await pushImage(registry, 'cache/ttl', 'v1');
  const server = await front();
  const time = clock();
  const client = clientFor(server.host, { tagTtlMs: 60_000, now: time.now });
  const repo = { registry: server.host, path: 'cache/ttl' };
  assert.equal((await client.getManifest({ ...repo, reference: 'v1' })).digest, old.digest);
  await client.listTags(repo);

  const moved = await moveTag(registry, 'cache/ttl', 'v1');
  await pushImage(registry, 'cache/ttl', 'v2');
  time.advance(59_000);
  assert.equal((await client.getManifest({ ...repo, reference: 'v1' })).digest, old.digest, 'still fresh: the old answer');
  assert.deepEqual((await client.listTags(repo)).tags, ['v1']);

  time.advance(2_000);
  server.resetRequests();
  const now = await client.getManifest({ ...repo, reference: 'v1' });
  assert.equal(now.digest, moved.digest);
  assert.deepEqual((await client.listTags(repo)).tags.slice().sort(), ['v1', 'v2']);

  // However old, a manifest by digest is answered from the cache: its content cannot have changed.
  time.advance(365 * 24 * 3600_000);
  server.resetRequests();
  const byDigest = await client.getManifest({ ...repo, reference: old.digest });
  assert.equal(byDigest.fromCache, true);
  assert.equal(server.requests.length, 0);
});

test('fresh: true asks again for the tag but reuses the manifest by digest', async () => {
  await pushImage(registry, 'cache/fresh', 'v1');
  const server = await front();
  const client = clientFor(server.host);
  const ref = { registry: server.host, path: 'cache/fresh', reference: 'v1' };
  await client.getManifest(ref);
  server.resetRequests();
  const again = await client.getManifest(ref, { fresh: true });
  assert.deepEqual(
    server.requests.map((r) => `${r.method} ${r.path}`),
    ['HEAD /v2/cache/fresh/manifests/v1'],
  );
  assert.equal(again.fromCache, false);
});

/** The manifest requests a counting front saw, as `METHOD path`. */
function manifestRequests(server: MisbehavingServer): string[] {
  return server.requests.filter((r) => r.path.includes('/manifests/')).map((r) => `${r.method} ${r.path}`);
}

test('detail "body": an index by tag is one GET whose bytes give the index digest and the platforms; no child, no config', async () => {
  const pushed = await pushIndex(registry, 'cache/body', 'v1', ['linux/amd64', 'linux/arm64/v8'], { attestations: true });
  const single = await pushImage(registry, 'cache/body', 'single');
  const server = await front();
  const client = clientFor(server.host);
  const repo = { registry: server.host, path: 'cache/body' };
  const index = await client.getManifest({ ...repo, reference: 'v1' }, { detail: 'body' });
  assert.deepEqual(manifestRequests(server), ['GET /v2/cache/body/manifests/v1']);
  assert.deepEqual([index.digest, index.isIndex, index.fromCache], [pushed.digest, true, false]);
  assert.deepEqual(
    index.platforms?.map((p) => [p.os, p.architecture, p.variant, p.digest]),
    pushed.images.map((i) => [i.platform.os, i.platform.architecture, i.platform.variant, i.digest]),
  );
  const image = await client.getManifest({ ...repo, reference: 'single' }, { detail: 'body' });
  assert.deepEqual([image.digest, image.isIndex, image.created], [single.digest, false, undefined]);
  assert.equal(server.requests.filter((r) => r.path.includes('/blobs/')).length, 0, 'no config blob for the body detail');
  assert.deepEqual(manifestRequests(server), ['GET /v2/cache/body/manifests/v1', 'GET /v2/cache/body/manifests/single']);

  // Answered again from the cache, at this detail and at every one below it.
  server.resetRequests();
  assert.equal((await client.getManifest({ ...repo, reference: 'v1' }, { detail: 'body' })).fromCache, true);
  assert.equal((await client.getManifest({ ...repo, reference: 'v1' }, { detail: 'digest' })).digest, pushed.digest);
  // An index read without its children is all `manifest` needs; an image still lacks its config, fetched alone.
  assert.equal((await client.getManifest({ ...repo, reference: 'v1' })).fromCache, true);
  const full = await client.getManifest({ ...repo, reference: 'single' });
  assert.equal(full.created !== undefined, true);
  assert.deepEqual(
    server.requests.map((r) => `${r.method} ${r.path}`),
    [`GET /v2/cache/body/manifests/${single.digest}`, `GET /v2/cache/body/blobs/${single.configDigest}`],
  );
});

test('a body wanted by tag after the tag expired: a HEAD when that manifest is cached, HEAD and GET by digest once the tag moved', async () => {
  await pushImage(registry, 'cache/recheck', 'v1');
  const server = await front();
  const time = clock();
  const client = clientFor(server.host, { tagTtlMs: 1000, now: time.now });
  const ref = { registry: server.host, path: 'cache/recheck', reference: 'v1' };
  await client.getManifest(ref, { detail: 'body' });
  time.advance(2000);
  server.resetRequests();
  assert.equal((await client.getManifest(ref, { detail: 'body' })).fromCache, false);
  assert.deepEqual(manifestRequests(server), ['HEAD /v2/cache/recheck/manifests/v1']);

  const moved = await moveTag(registry, 'cache/recheck', 'v1');
  time.advance(2000);
  server.resetRequests();
  assert.equal((await client.getManifest(ref, { detail: 'body' })).digest, moved.digest);
  assert.deepEqual(manifestRequests(server), ['HEAD /v2/cache/recheck/manifests/v1', `GET /v2/cache/recheck/manifests/${moved.digest}`]);
});

test('a GET by tag without Docker-Content-Digest: the digest is the sha256 of the bytes', async () => {
  const pushed = await pushImage(registry, 'cache/nodigest', 'v1');
  const server = await front();
  server.on('/v2/cache/nodigest/manifests/v1', respond(200, pushed.manifest, { 'Content-Type': pushed.mediaType }));
  const info = await clientFor(server.host).getManifest({ registry: server.host, path: 'cache/nodigest', reference: 'v1' }, { detail: 'body' });
  assert.deepEqual([info.digest, info.mediaType, info.size], [pushed.digest, pushed.mediaType, pushed.size]);
});

test('requiresAuth on a Basic registry: one HEAD without credentials, answered 401; cached per repository, in memory and on disk', async () => {
  await pushImage(registry, 'cache/locked', 'v1');
  await pushImage(registry, 'cache/locked', 'v2');
  const server = await front();
  const cacheDir = temporaryDir();
  const client = clientFor(server.host, { cacheDir });
  const repo = { registry: server.host, path: 'cache/locked' };
  // The developer's own credentials read it.
  await client.getManifest({ ...repo, reference: 'v1' }, { detail: 'digest' });
  server.resetRequests();
  assert.deepEqual(await client.requiresAuth({ ...repo, reference: 'v1' }), { required: true, fromCache: false, stale: false });
  assert.deepEqual(
    server.requests.map((r) => [r.method, r.path, r.headers.authorization]),
    [['HEAD', '/v2/cache/locked/manifests/v1', undefined]],
  );

  server.resetRequests();
  assert.deepEqual(await client.requiresAuth({ ...repo, reference: 'v2' }), { required: true, fromCache: true, stale: false });
  assert.deepEqual(await clientFor(server.host, { cacheDir }).requiresAuth({ ...repo, reference: 'v1' }), { required: true, fromCache: true, stale: false });
  assert.equal(server.requests.length, 0);
});

test('requiresAuth on an open registry: false, with no request once a request without credentials was answered', async () => {
  const open = await startRegistry();
  cleanups.push(() => open.stop());
  await pushImage(open, 'team/open', 'v1');
  const server = await startMisbehavingServer(proxy(open));
  cleanups.push(() => server.stop());
  const client = clientFor(server.host);
  const repo = { registry: server.host, path: 'team/open' };
  await client.getManifest({ ...repo, reference: 'v1' }, { detail: 'digest' });
  server.resetRequests();
  assert.deepEqual(await client.requiresAuth({ ...repo, reference: 'v1' }), { required: false, fromCache: true, stale: false });
  assert.equal(server.requests.length, 0);
  // Without an earlier request: one anonymous HEAD; a tag that does not exist passed the access check too.
  const fresh = clientFor(server.host);
  assert.deepEqual(await fresh.requiresAuth({ ...repo, reference: 'nope' }), { required: false, fromCache: false, stale: false });
  assert.deepEqual(manifestRequests(server), ['HEAD /v2/team/open/manifests/nope']);
});

test('offline: an expired entry is served as stale; content-addressed entries are not stale; nothing cached is UNREACHABLE', async () => {
  const pushed = await pushImage(registry, 'cache/offline', 'v1');
  const server = await front();
  const time = clock();
  const client = clientFor(server.host, { tagTtlMs: 1000, now: time.now });
  const repo = { registry: server.host, path: 'cache/offline' };
  await client.listTags(repo);
  await client.getManifest({ ...repo, reference: 'v1' });
  await server.stop();
  time.advance(5000);

  assert.deepEqual(await client.listTags(repo), { tags: ['v1'], fromCache: true, stale: true });
  assert.deepEqual(await client.listTags(repo, { fresh: true }), { tags: ['v1'], fromCache: true, stale: true });
  const manifest = await client.getManifest({ ...repo, reference: 'v1' });
  assert.equal(manifest.digest, pushed.digest);
  assert.equal(manifest.stale, true);
  const byDigest = await client.getManifest({ ...repo, reference: pushed.digest });
  assert.deepEqual([byDigest.fromCache, byDigest.stale], [true, false]);
  const error = await rejectsWith(client.listTags({ registry: server.host, path: 'cache/never' }), 'UNREACHABLE');
  assert.equal(error.temporary, true);
});

test('a registry answering 503 is treated like an offline one when the cache has an answer', async () => {
  await pushImage(registry, 'cache/failing', 'v1');
  const server = await front();
  const time = clock();
  const client = clientFor(server.host, { tagTtlMs: 1000, now: time.now, maxRetries: 0 });
  const repo = { registry: server.host, path: 'cache/failing' };
  await client.listTags(repo);
  server.on('/v2/cache/failing/tags/list', respond(503));
  time.advance(5000);
  assert.deepEqual(await client.listTags(repo), { tags: ['v1'], fromCache: true, stale: true });
  // A permanent error is not hidden by the cache.
  server.on('/v2/cache/failing/tags/list', respond(404, JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'gone' }] })));
  await rejectsWith(client.listTags(repo), 'NAME_UNKNOWN');
});
