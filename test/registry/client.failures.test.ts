/**
 * The transport when things go wrong, with a deliberately faulty server (often proxying a real registry, so that
 * only one route misbehaves): redirects to another host, hangs and slow bodies, 5xx, 429 with Retry-After,
 * bytes that do not match their digest, cancellation and the per-registry concurrency limit.
 * Every client has an empty HOME, so only the credentials written by a test exist.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient, RegistryClientOptions } from '../../server/src/registry';
import {
  delay,
  hang,
  proxy,
  pushImage,
  redirect,
  registryError,
  respond,
  sequence,
  slowBody,
  startMisbehavingServer,
  startRegistry,
  tooManyRequests,
} from '../helpers/registry';
import { rejectsWith } from '../helpers/registry/assertions';
import { deferred, within } from '../helpers/events';
import type { MisbehavingServer, PushedImage, RunningRegistry } from '../helpers/registry';

let registry: RunningRegistry;
let image: PushedImage;
const cleanups: Array<() => unknown> = [];

before(async () => {
  registry = await startRegistry({ auth: 'basic' });
  image = await pushImage(registry, 'team/app', 'v1', { labels: { stage: 'test' } });
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await registry?.stop();
});

/** A faulty server in front of the registry: every path is proxied unless a test routes it elsewhere. */
async function front(): Promise<MisbehavingServer> {
  const server = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => server.stop());
  return server;
}

/** A client with alice's password for `hosts` in its docker config, and fast retries. */
function clientFor(hosts: string[], options: RegistryClientOptions = {}): RegistryClient {
  const home = mkdtempSync(join(tmpdir(), 'image-aware-failures-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, '.docker'));
  const auth = Buffer.from('alice:alice-password').toString('base64');
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: Object.fromEntries(hosts.map((host) => [host, { auth }])) }));
  const client = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 3000, retryBackoffMs: 20, ...options });
  cleanups.push(() => client.close());
  return client;
}

const ref = (host: string, reference = 'v1') => ({ registry: host, path: 'team/app', reference });

test('a redirect to another host does not carry Authorization; the registry host still gets it', async () => {
  const server = await front();
  const storage = await startMisbehavingServer();
  cleanups.push(() => storage.stop());
  storage.on(`/blobs/${image.configDigest}`, respond(200, image.config, { 'Content-Type': 'application/octet-stream' }));
  server.on(`/v2/team/app/blobs/${image.configDigest}`, redirect(`${storage.url}/blobs/${image.configDigest}?signature=abc`));
  const client = clientFor([server.host, storage.host]);

  const info = await client.getManifest(ref(server.host));
  assert.equal(info.labels?.stage, 'test');
  assert.equal(storage.count(`/blobs/${image.configDigest}`), 1);
  assert.equal(storage.requests[0].headers.authorization, undefined, 'credentials leaked to the storage host');
  const manifestRequests = server.requests.filter((r) => r.path.includes('/manifests/'));
  assert.ok(manifestRequests.length > 0 && manifestRequests.every((r) => String(r.headers.authorization).startsWith('Basic ')));
});

test('a Link to another host is followed without credentials', async () => {
  const server = await front();
  const elsewhere = await startMisbehavingServer();
  cleanups.push(() => elsewhere.stop());
  elsewhere.on('/v2/team/app/tags/list', respond(200, JSON.stringify({ name: 'team/app', tags: ['elsewhere'] }), { 'Content-Type': 'application/json' }));
  server.on(
    '/v2/team/app/tags/list',
    respond(200, JSON.stringify({ name: 'team/app', tags: ['v1'] }), { Link: `<${elsewhere.url}/v2/team/app/tags/list?last=v1>; rel="next"` }),
  );
  const client = clientFor([server.host]);
  assert.deepEqual((await client.listTags({ registry: server.host, path: 'team/app' })).tags, ['v1', 'elsewhere']);
  assert.equal(elsewhere.requests.length, 1);
  assert.equal(elsewhere.requests[0].headers.authorization, undefined, 'credentials leaked to the linked host');
  assert.ok(String(server.requests.find((r) => r.path === '/v2/team/app/tags/list')?.headers.authorization).startsWith('Basic '));
});

test('a redirect to plain HTTP on a host that is neither loopback nor insecure is refused', async () => {
  const server = await front();
  server.on('/v2/team/app/tags/list', redirect('http://example.invalid/tags'));
  const client = clientFor([server.host]);
  // The front is loopback, so plain HTTP is allowed there; the target is not, and is never contacted.
  const error = await rejectsWith(client.listTags({ registry: server.host, path: 'team/app' }), 'TLS');
  assert.match(error.message, /not HTTPS/);
});

test('a server that never answers is a TIMEOUT after fetchTimeoutMs, and a trickling body is too', async () => {
  const server = await front();
  server.on('/v2/team/app/tags/list', hang());
  const client = clientFor([server.host], { fetchTimeoutMs: 300 });
  const started = Date.now();
  const error = await rejectsWith(client.listTags({ registry: server.host, path: 'team/app' }), 'TIMEOUT');
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  assert.equal(error.temporary, true);

  // The body is wanted, so the manifest is read with one GET by tag; by digest it is the same GET.
  for (const reference of ['v1', image.digest]) {
    server.on(
      `/v2/team/app/manifests/${reference}`,
      slowBody(200, image.manifest, { chunkBytes: 8, intervalMs: 100, headers: { 'Content-Type': image.mediaType } }),
    );
    await rejectsWith(client.getManifest(ref(server.host, reference)), 'TIMEOUT');
  }
});

test('a 500 is a SERVER_ERROR with the registry message, and is not retried', async () => {
  const server = await front();
  server.on('/v2/team/app/tags/list', registryError(500, 'UNKNOWN', 'storage exploded'));
  server.on('/v2/team/app/manifests/v1', registryError(500, 'UNKNOWN', 'storage exploded'));
  const client = clientFor([server.host]);
  const error = await rejectsWith(client.listTags({ registry: server.host, path: 'team/app' }), 'SERVER_ERROR');
  assert.equal(error.status, 500);
  assert.equal(error.temporary, true);
  assert.match(error.message, /storage exploded/);
  assert.equal(server.count('/v2/team/app/tags/list'), 1);
  // A HEAD answer (detail "digest") has no body to quote, but the code and status are the same.
  const head = await rejectsWith(client.getManifest(ref(server.host), { detail: 'digest' }), 'SERVER_ERROR');
  assert.equal(head.status, 500);
  assert.equal(server.count('/v2/team/app/manifests/v1'), 1);
  const get = await rejectsWith(client.getManifest(ref(server.host)), 'SERVER_ERROR');
  assert.match(get.message, /storage exploded/);
  assert.equal(server.count('/v2/team/app/manifests/v1'), 2);
});

test('503 and 502 are retried with backoff until the registry answers', async () => {
  const server = await front();
  server.on('/v2/team/app/tags/list', sequence(respond(503), respond(502), proxy(registry)));
  const client = clientFor([server.host]);
  assert.deepEqual((await client.listTags({ registry: server.host, path: 'team/app' })).tags, ['v1']);
  assert.equal(server.count('/v2/team/app/tags/list'), 3);
});

test('429 with Retry-After in seconds or as an HTTP date is honoured before retrying', async () => {
  const server = await front();
  server.on('/v2/team/app/tags/list', sequence(tooManyRequests(1), proxy(registry)));
  const client = clientFor([server.host]);
  let started = Date.now();
  assert.deepEqual((await client.listTags({ registry: server.host, path: 'team/app' })).tags, ['v1']);
  const waited = Date.now() - started;
  assert.ok(waited >= 950 && waited < 3000, `waited ${waited} ms for Retry-After: 1`);

  const date = new Date(Date.now() + 2000).toUTCString(); // HTTP dates have whole seconds: 1–2 s from now
  server.on('/v2/team/app/manifests/v1', sequence(tooManyRequests(date), proxy(registry)));
  started = Date.now();
  await client.getManifest(ref(server.host), { detail: 'digest' });
  const waitedForDate = Date.now() - started;
  assert.ok(waitedForDate >= 900 && waitedForDate < 3500, `waited ${waitedForDate} ms for Retry-After: ${date}`);
});

test('a Retry-After longer than maxRetryDelayMs fails at once as TOOMANYREQUESTS carrying the wait', async () => {
  const server = await front();
  server.on('/v2/team/app/tags/list', tooManyRequests(120));
  const client = clientFor([server.host], { maxRetryDelayMs: 1000 });
  const started = Date.now();
  const error = await rejectsWith(client.listTags({ registry: server.host, path: 'team/app' }), 'TOOMANYREQUESTS');
  assert.ok(Date.now() - started < 1000);
  assert.equal(error.retryAfterMs, 120_000);
  assert.equal(error.temporary, true);
  assert.equal(server.count('/v2/team/app/tags/list'), 1);
});

test('retries are bounded: a registry that always throttles gets maxRetries + 1 requests', async () => {
  const server = await front();
  server.on('/v2/team/app/tags/list', tooManyRequests(0));
  const client = clientFor([server.host], { maxRetries: 2 });
  await rejectsWith(client.listTags({ registry: server.host, path: 'team/app' }), 'TOOMANYREQUESTS');
  assert.equal(server.count('/v2/team/app/tags/list'), 3);
});

test('bytes that do not hash to their digest are DIGEST_MISMATCH, for manifests and config blobs', async () => {
  const server = await front();
  const tampered = Buffer.from(image.manifest.toString('utf8').replace(/"size":\s*(\d+)/, (_m, n: string) => `"size": ${Number(n) + 1}`));
  // By tag, the bytes must hash to the digest the registry announces; by digest, to that digest.
  for (const reference of ['v1', image.digest]) {
    server.on(`/v2/team/app/manifests/${reference}`, respond(200, tampered, { 'Content-Type': image.mediaType, 'Docker-Content-Digest': image.digest }));
    const client = clientFor([server.host]);
    const error = await rejectsWith(client.getManifest(ref(server.host, reference)), 'DIGEST_MISMATCH');
    assert.match(error.message, new RegExp(image.digest));
  }

  const other = await front();
  other.on(`/v2/team/app/blobs/${image.configDigest}`, respond(200, Buffer.concat([image.config, Buffer.from(' ')])));
  await rejectsWith(clientFor([other.host]).getManifest(ref(other.host)), 'DIGEST_MISMATCH');
});

test("the caller's AbortSignal cancels a request in flight as ABORTED", async () => {
  const server = await front();
  const arrived = deferred();
  const never = hang();
  server.on('/v2/team/app/tags/list', (request, response, body) => {
    arrived.resolve();
    return never(request, response, body);
  });
  const client = clientFor([server.host]);
  const controller = new AbortController();
  const pending = client.listTags({ registry: server.host, path: 'team/app' }, { signal: controller.signal });
  await within(arrived.promise, 'The tag list request reaching the registry');
  const started = Date.now();
  controller.abort();
  const error = await rejectsWith(pending, 'ABORTED');
  assert.ok(Date.now() - started < 1000);
  assert.equal(error.temporary, false);
});

test('at most concurrencyPerRegistry requests run at once against one registry', async () => {
  const server = await front();
  let running = 0;
  let peak = 0;
  // Each request waits until two are in flight, so the limit is reached however the requests are timed, then
  // 50 ms more, for requests past the limit to arrive if the client let them go.
  const twoInFlight = deferred();
  const answer = delay(50, proxy(registry));
  server.on(/^\/v2\/team\/app\/manifests\//, async (request, response, body) => {
    running++;
    peak = Math.max(peak, running);
    if (running === 2) twoInFlight.resolve();
    await twoInFlight.promise;
    await answer(request, response, body);
    running--;
  });
  const client = clientFor([server.host], { concurrencyPerRegistry: 2 });
  const tags = ['v1', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const answers = await Promise.allSettled(tags.map((tag) => client.getManifest(ref(server.host, tag), { detail: 'digest' })));
  assert.equal(answers[0].status, 'fulfilled');
  assert.equal(peak, 2);
});

test('a plain-HTTP loopback registry is reached after the HTTPS attempt, which costs no recorded request', async () => {
  const server = await startMisbehavingServer(proxy(registry));
  cleanups.push(() => server.stop());
  server.on('/v2/team/app/tags/list', delay(10, proxy(registry)));
  const client = clientFor([server.host]);
  assert.deepEqual((await client.listTags({ registry: server.host, path: 'team/app' })).tags, ['v1']);
  // The ping learns the Basic challenge, so the tag request carries the password at once; the failed TLS
  // handshake before them never became an HTTP request.
  assert.deepEqual(
    server.requests.map((r) => [r.path, r.headers.authorization === undefined]),
    [
      ['/v2/', true],
      ['/v2/team/app/tags/list', false],
    ],
  );
});
