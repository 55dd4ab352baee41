/**
 * Pull rate limits: the RateLimit-Limit / RateLimit-Remaining headers read hostile-safe, kept per registry,
 * a 429 explained with when pulls come back, and the requests that can wait deferred when few pulls are left.
 * CNCF distribution sends no such headers, so the real registry sits behind a loopback proxy that counts
 * pulls as Docker Hub does (a GET of a manifest counts one, a HEAD none) and adds them (pullRateLimit).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient, RegistryClientOptions } from '../../server/src/registry';
import { parsePolicy } from '../../server/src/registry/rateLimit';
import { RateLimits } from '../../server/src/registry/rateLimits';
import type { HttpResponse } from '../../server/src/registry/http';
import { collectFacts } from '../../server/src/engine';
import { proxy, pullRateLimit, pushImage, pushIndex, startMisbehavingServer, startRegistry, withHeaders } from '../helpers/registry';
import { rejectsWith } from '../helpers/registry/assertions';
import type { MisbehavingServer, RunningRegistry } from '../helpers/registry';

let registry: RunningRegistry;
const cleanups: Array<() => unknown> = [];

before(async () => {
  registry = await startRegistry();
  await pushImage(registry, 'team/app', 'v1');
  await pushIndex(registry, 'team/multi', 'v1', ['linux/amd64', 'linux/arm64']);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await registry?.stop();
});

async function front(handler: Parameters<typeof startMisbehavingServer>[0]): Promise<MisbehavingServer> {
  const server = await startMisbehavingServer(handler);
  cleanups.push(() => server.stop());
  return server;
}

function client(options: RegistryClientOptions = {}): RegistryClient {
  const home = mkdtempSync(join(tmpdir(), 'image-aware-ratelimit-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const created = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0, ...options });
  cleanups.push(() => created.close());
  return created;
}

test('header values: a count with an optional window; anything else, or anything too large, is no answer', () => {
  assert.deepEqual(parsePolicy('100;w=21600'), { count: 100, windowSeconds: 21600 });
  assert.deepEqual(parsePolicy(' 76 ; w=21600 '), { count: 76, windowSeconds: 21600 });
  assert.deepEqual(parsePolicy('100'), { count: 100 });
  assert.deepEqual(parsePolicy('100, 100;w=21600'), { count: 100 });
  assert.deepEqual(parsePolicy('100;comment="x";w=60'), { count: 100, windowSeconds: 60 });
  for (const hostile of [
    undefined,
    '',
    '-1',
    '1e3',
    '0x10',
    'abc',
    '1.5',
    '9'.repeat(16),
    '100;w=0',
    '100;w=-5',
    '100;w=99999999',
    '100;w=abc',
    `100;${'x'.repeat(300)}`,
    '100\u0000',
  ]) {
    assert.equal(parsePolicy(hostile), undefined, JSON.stringify(hostile));
  }
});

test('answers that crossed in flight do not raise the remaining count; after a while the window may have', () => {
  const answer = (remaining: number): HttpResponse => ({
    url: new URL('https://registry.example/v2/'),
    status: 200,
    headers: { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': `${remaining};w=21600` },
    body: Buffer.alloc(0),
    truncated: false,
  });
  const limits = new RateLimits();
  let time = 0;
  const now = (): number => time;
  limits.observe('registry.example', answer(95), now);
  time += 500;
  limits.observe('registry.example', answer(96), now);
  assert.equal(limits.of('registry.example')?.remaining, 95);
  time += 500;
  limits.observe('registry.example', answer(94), now);
  assert.equal(limits.of('registry.example')?.remaining, 94);
  time += 60_000;
  limits.observe('registry.example', answer(100), now);
  assert.equal(limits.of('registry.example')?.remaining, 100);
});

test('HEAD resolves a tag without counting a pull; each GET counts one, and the client keeps what was said last', async () => {
  const server = await front(pullRateLimit(10, 21600, proxy(registry)));
  const limited = client();
  const ref = { registry: server.host, path: 'team/app', reference: 'v1' };
  assert.equal(limited.rateLimit(server.host), undefined);
  await limited.getManifest(ref, { detail: 'digest' });
  assert.deepEqual(limited.rateLimit(server.host), { limit: 10, remaining: 10, windowSeconds: 21600, at: limited.rateLimit(server.host)!.at });
  await limited.getManifest({ ...ref, path: 'team/multi' }, { detail: 'body' });
  assert.equal(limited.rateLimit(server.host)?.remaining, 9);
  assert.equal(server.requests.filter((r) => r.method === 'HEAD' && r.path.includes('/manifests/')).length, 1);
  // A plain distribution registry announces nothing.
  const plain = client();
  await plain.getManifest({ registry: registry.host, path: 'team/app', reference: 'v1' }, { detail: 'digest' });
  assert.equal(plain.rateLimit(registry.host), undefined);
});

test('hostile RateLimit headers are ignored and the answer still works', async () => {
  const cases: Record<string, string>[] = [
    { 'RateLimit-Limit': '99999999999999999999;w=1', 'RateLimit-Remaining': '5' },
    { 'RateLimit-Limit': '100', 'RateLimit-Remaining': '-1' },
    { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '11' },
    { 'RateLimit-Limit': 'x'.repeat(10_000), 'RateLimit-Remaining': '1' },
    { 'RateLimit-Limit': '100;w=0', 'RateLimit-Remaining': '1;w=0' },
    { 'RateLimit-Limit': '100' },
  ];
  for (const headers of cases) {
    const server = await front(withHeaders(headers, proxy(registry)));
    const hostile = client();
    const info = await hostile.getManifest({ registry: server.host, path: 'team/app', reference: 'v1' }, { detail: 'digest' });
    assert.match(info.digest, /^sha256:/);
    assert.equal(hostile.rateLimit(server.host), undefined, JSON.stringify(headers));
  }
});

test('a 429 says in words what the limit is and when pulls come back: Retry-After, else the window', async () => {
  const server = await front(pullRateLimit(1, 21600, proxy(registry)));
  const limited = client();
  const ref = { registry: server.host, path: 'team/app', reference: 'v1' };
  await limited.getManifest(ref, { detail: 'body' });
  const error = await rejectsWith(limited.getManifest({ ...ref, path: 'team/multi' }, { detail: 'body' }), 'TOOMANYREQUESTS');
  assert.equal(
    error.message,
    `${server.host} answered 429 Too Many Requests for manifest ${server.host}/team/multi:v1: ${server.host} has reached its pull rate limit ` +
      '(1 pull per 6 hours, 0 left), so pulls come back within 6 hours, as the oldest leave the window; signing in (docker login) usually gives a higher limit',
  );

  const waiting = await front(pullRateLimit(0, 3600, proxy(registry), 5400));
  const refused = await rejectsWith(client({ maxRetryDelayMs: 1000 }).getManifest({ ...ref, registry: waiting.host }, { detail: 'body' }), 'TOOMANYREQUESTS');
  assert.match(refused.message, /\(0 pulls per 1 hour, 0 left\), so it asks to wait 1 hour 30 minutes before trying again;/);
});

test('with few pulls left, collectFacts asks the manifests but defers tag suggestions, anonymous probes and referrers', async () => {
  const ask = async (remaining: number): Promise<{ server: MisbehavingServer; facts: Awaited<ReturnType<typeof collectFacts>> }> => {
    const server = await front(withHeaders({ 'RateLimit-Limit': '100;w=21600', 'RateLimit-Remaining': `${remaining};w=21600` }, proxy(registry)));
    const queries = [
      { key: `${server.host}/team/app:v1`, registry: server.host, path: 'team/app', reference: 'v1' },
      { key: `${server.host}/team/app:v9`, registry: server.host, path: 'team/app', reference: 'v9' },
    ];
    const anonymousPull = [{ key: `${server.host}/team/app`, registry: server.host, path: 'team/app', reference: 'v1', manifestKey: queries[0].key }];
    const facts = await collectFacts(queries, client(), { detail: 'body', listTagsOfMissing: true, anonymousPull, referrers: {} });
    return { server, facts };
  };
  const plenty = await ask(50);
  const low = await ask(5);
  const kinds = (server: MisbehavingServer): string[] =>
    [...new Set(server.requests.map((r) => (r.path.includes('/referrers/') ? 'referrers' : r.path.endsWith('/tags/list') ? 'tags' : r.method)))].sort();
  assert.deepEqual(kinds(plenty.server), ['GET', 'HEAD', 'referrers', 'tags']);
  assert.deepEqual(kinds(low.server), ['GET']);
  // The anonymous probe needs no request here (the registry answered without credentials already), but only plenty asks it.
  assert.equal(plenty.facts.anonymous.get(`${plenty.server.host}/team/app`)?.allowed, true);
  assert.equal(low.facts.anonymous.size, 0);
  assert.equal(low.facts.manifests.get(`${low.server.host}/team/app:v1`)?.status, 'found');
  assert.deepEqual(low.facts.rateLimits?.get(low.server.host), {
    limit: 100,
    remaining: 5,
    windowSeconds: 21600,
    at: low.facts.rateLimits?.get(low.server.host)?.at,
  });
  assert.equal(plenty.facts.rateLimits?.get(plenty.server.host)?.remaining, 50);
});
