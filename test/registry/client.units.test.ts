/**
 * The registry client's pure parts, table-driven: Link and Retry-After headers, host rules (Docker Hub, loopback,
 * insecure registries), error bodies, manifest and config parsing, tag pages, and the per-registry limiter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { codeForStatus, errorFromResponse, parseErrorBody } from '../../server/src/registry/errors';
import { parseLinkNext, parseRetryAfter } from '../../server/src/registry/headers';
import { allowsPlainHttp, apiHost, isLoopback, normalizeRegistry, splitHostPort, toolVerifiesTls } from '../../server/src/registry/hosts';
import { KeyedLimiter } from '../../server/src/registry/limiter';
import { digestOf, parseImageConfig, parseManifest, verifyDigest } from '../../server/src/registry/manifest';
import { parseTagsPage } from '../../server/src/registry/tags';
import type { RegistryError } from '../../server/src/registry';

test('Link: the rel="next" target, among several links and quoted commas', () => {
  const cases: Array<[string | string[] | undefined, string | undefined]> = [
    ['</v2/a/tags/list?last=b&n=2>; rel="next"', '/v2/a/tags/list?last=b&n=2'],
    ['</v2/a/tags/list?n=2&last=b>; rel=next', '/v2/a/tags/list?n=2&last=b'],
    ['<https://r.example/prev>; rel="prev", <https://r.example/next>; rel="next"', 'https://r.example/next'],
    ['<https://r.example/x>; title="a, b"; rel="next"', 'https://r.example/x'],
    ['<https://r.example/x>; rel="prev next"', 'https://r.example/x'],
    ['<https://r.example/x>; rel="prev"', undefined],
    [['<https://r.example/a>; rel="prev"', '<https://r.example/b>; rel="next"'], 'https://r.example/b'],
    ['garbage', undefined],
    ['<unterminated; rel="next"', undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) assert.equal(parseLinkNext(header), expected, JSON.stringify(header));
});

test('Retry-After: delay-seconds or an HTTP date, relative to now', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  const cases: Array<[string | undefined, number | undefined]> = [
    ['120', 120_000],
    [' 0 ', 0],
    ['Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [header, expected] of cases) assert.equal(parseRetryAfter(header, now), expected, String(header));
});

test('hosts: Docker Hub names, loopback, insecure registries', () => {
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(apiHost('index.docker.io'), 'registry-1.docker.io');
  assert.equal(apiHost('ghcr.io'), 'ghcr.io');
  assert.equal(normalizeRegistry('Index.Docker.IO'), 'docker.io');
  assert.deepEqual(splitHostPort('[::1]:5000'), { host: '::1', port: 5000 });
  assert.deepEqual(splitHostPort('example.com'), { host: 'example.com' });
  for (const host of ['localhost', 'localhost:5000', '127.0.0.1', '127.1.2.3:80', '[::1]:5000', '::1']) assert.equal(isLoopback(host), true, host);
  for (const host of ['128.0.0.1', '10.0.0.1:5000', 'localhost.example.com', 'example.com', '127.0.0.1.nip.io']) assert.equal(isLoopback(host), false, host);
  const insecure = ['registry.lan:5000', '10.1.0.0/16', 'http://other.lan/'];
  assert.equal(allowsPlainHttp('registry.lan:5000', insecure), true);
  assert.equal(allowsPlainHttp('registry.lan', insecure), false, 'the port is part of the name');
  assert.equal(allowsPlainHttp('10.1.200.3:5000', insecure), true);
  assert.equal(allowsPlainHttp('10.2.0.1', insecure), false);
  assert.equal(allowsPlainHttp('other.lan', insecure), true);
  assert.equal(allowsPlainHttp('ghcr.io', insecure), false);
  // Build tools skip TLS verification exactly where plain HTTP is allowed.
  for (const host of ['127.0.0.1:5000', 'localhost', 'registry.lan:5000', '10.1.200.3']) assert.equal(toolVerifiesTls(host, insecure), false, host);
  for (const host of ['registry.lan', 'ghcr.io', 'docker.io']) assert.equal(toolVerifiesTls(host, insecure), true, host);
});

test('error bodies: the first error of the distribution format, the status otherwise', () => {
  assert.deepEqual(parseErrorBody('{"errors":[{"code":"DENIED","message":"no","detail":{}},{"code":"X"}]}'), { code: 'DENIED', message: 'no' });
  assert.deepEqual(parseErrorBody('<html>'), {});
  assert.deepEqual(parseErrorBody('{"errors":[]}'), {});
  assert.deepEqual(parseErrorBody('null'), {});
  assert.equal(codeForStatus(401, 'MANIFEST_UNKNOWN'), 'UNAUTHORIZED');
  assert.equal(codeForStatus(404, 'NAME_UNKNOWN'), 'NAME_UNKNOWN');
  assert.equal(codeForStatus(503, 'NAME_UNKNOWN'), 'SERVER_ERROR');
  const error = errorFromResponse({
    registry: 'r.example',
    status: 403,
    body: Buffer.from('{"errors":[{"code":"WEIRD","message":"custom"}]}'),
    what: 'manifest a:b',
    notFound: 'MANIFEST_UNKNOWN',
    triedCredentials: 'credential helper docker-credential-x',
  });
  assert.deepEqual([error.code, error.status, error.detail, error.temporary], ['DENIED', 403, 'custom', false]);
  assert.match(error.message, /tried credential helper docker-credential-x/);
});

const sha = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

test('manifests: index platforms without attestations, image layer totals, schema 1 refused', () => {
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha('a'), size: 500, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha('w'),
        size: 600,
        platform: { os: 'windows', architecture: 'amd64', 'os.version': '10.0.20348.1' },
      },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: sha('att'),
        size: 700,
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
      },
      { digest: sha('bare'), size: 1 },
    ],
  });
  const parsed = parseManifest(Buffer.from(index), sha(index), undefined, 'r');
  assert.equal(parsed.kind, 'index');
  assert.deepEqual(parsed.kind === 'index' && parsed.platforms, [
    { os: 'linux', architecture: 'arm', variant: 'v7', digest: sha('a'), size: 500 },
    { os: 'windows', architecture: 'amd64', osVersion: '10.0.20348.1', digest: sha('w'), size: 600 },
    { os: 'unknown', architecture: 'unknown', digest: sha('bare'), size: 1 },
  ]);

  const image = JSON.stringify({
    schemaVersion: 2,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha('c'), size: 9 },
    layers: [{ size: 10 }, { size: 32 }, {}],
  });
  const parsedImage = parseManifest(Buffer.from(image), sha(image), 'application/vnd.oci.image.manifest.v1+json; charset=utf-8', 'r');
  assert.equal(parsedImage.kind === 'image' && parsedImage.totalSize, 42);
  assert.equal(parsedImage.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(parsedImage.size, Buffer.byteLength(image));

  assert.throws(
    () => parseManifest(Buffer.from('{"schemaVersion":1}'), sha('x'), undefined, 'r'),
    (e: RegistryError) => e.code === 'UNSUPPORTED',
  );
  assert.throws(
    () => parseManifest(Buffer.from('not json'), sha('x'), undefined, 'r'),
    (e: RegistryError) => e.code === 'INVALID_RESPONSE',
  );
  assert.throws(
    () => parseManifest(Buffer.from('{"schemaVersion":2}'), sha('x'), undefined, 'r'),
    (e: RegistryError) => e.code === 'INVALID_RESPONSE',
  );
  // An entry that is not a descriptor with a digest makes the whole index unusable, as does a config descriptor without one.
  for (const entry of ['junk', {}, { digest: 'sha256:abc' }, { digest: `${sha('a')}\n` }]) {
    const bad = JSON.stringify({ schemaVersion: 2, manifests: [{ digest: sha('a') }, entry] });
    const expected = `r sent an invalid digest in entry 2 of the index ${sha(bad)}`;
    assert.throws(
      () => parseManifest(Buffer.from(bad), sha(bad), undefined, 'r'),
      (e: RegistryError) => e.code === 'INVALID_RESPONSE' && e.message === expected,
    );
  }
  const noConfigDigest = JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json' } });
  assert.throws(
    () => parseManifest(Buffer.from(noConfigDigest), sha(noConfigDigest), undefined, 'r'),
    (e: RegistryError) => e.code === 'INVALID_RESPONSE',
  );
  const huge = JSON.stringify({ schemaVersion: 2, manifests: Array.from({ length: 1001 }, () => ({ digest: sha('a') })) });
  const tooMany = `r sent more than 1000 entries for the index ${sha(huge)}`;
  assert.throws(
    () => parseManifest(Buffer.from(huge), sha(huge), undefined, 'r'),
    (e: RegistryError) => e.code === 'TOO_LARGE' && e.message === tooMany,
  );
});

test('config: created, labels and platform; malformed fields are left out', () => {
  const config = { created: '2024-01-01T00:00:00Z', os: 'linux', architecture: 'arm64', variant: 'v8', config: { Labels: { a: 'b', n: 1 } } };
  assert.deepEqual(parseImageConfig(Buffer.from(JSON.stringify(config))), {
    created: '2024-01-01T00:00:00Z',
    labels: { a: 'b' },
    os: 'linux',
    architecture: 'arm64',
    variant: 'v8',
  });
  assert.deepEqual(parseImageConfig(Buffer.from('{"config":{"Labels":null}}')), {});
  assert.deepEqual(parseImageConfig(Buffer.from('[]')), {});
});

test('digests: sha256 and sha512 verified, other algorithms unsupported, mismatches named', () => {
  const bytes = Buffer.from('hello');
  assert.equal(digestOf(bytes, 'sha256:', 'r'), sha('hello'));
  const sha512 = `sha512:${createHash('sha512').update(bytes).digest('hex')}`;
  assert.doesNotThrow(() => verifyDigest(bytes, sha512, 'r', 'x'));
  assert.throws(
    () => verifyDigest(bytes, sha('other'), 'r', 'the manifest'),
    (e: RegistryError) => e.code === 'DIGEST_MISMATCH' && e.message.includes(sha('hello')),
  );
  assert.throws(
    () => verifyDigest(bytes, 'md5:abc', 'r', 'x'),
    (e: RegistryError) => e.code === 'UNSUPPORTED',
  );
});

test('tag pages: null and missing tags are empty, other shapes and entries that are not tags are invalid', () => {
  assert.deepEqual(parseTagsPage(Buffer.from('{"name":"a","tags":["1","2"]}'), 'r', 'w'), ['1', '2']);
  for (const bad of ['3', '[3]', '[".hidden"]', '["a b"]', '["a:b"]', `["${'x'.repeat(129)}"]`]) {
    const body = `{"name":"a","tags":["1",${bad.startsWith('[') ? bad.slice(1, -1) : bad}]}`;
    const invalid = (e: RegistryError) => e.code === 'INVALID_RESPONSE' && e.message === 'r sent an invalid tag in the tags of r/a';
    assert.throws(() => parseTagsPage(Buffer.from(body), 'r', 'the tags of r/a'), invalid, body);
  }
  assert.deepEqual(parseTagsPage(Buffer.from('{"name":"a","tags":null}'), 'r', 'w'), []);
  assert.deepEqual(parseTagsPage(Buffer.from('{"name":"a"}'), 'r', 'w'), []);
  assert.throws(
    () => parseTagsPage(Buffer.from('{"tags":"x"}'), 'r', 'w'),
    (e: RegistryError) => e.code === 'INVALID_RESPONSE',
  );
  assert.throws(
    () => parseTagsPage(Buffer.from('<html>'), 'r', 'w'),
    (e: RegistryError) => e.code === 'INVALID_RESPONSE',
  );
});

test('limiter: at most `limit` per key, FIFO, and a waiter that aborts leaves the queue', async () => {
  const limiter = new KeyedLimiter(2);
  const order: string[] = [];
  const gates = new Map<string, () => void>();
  const task = (name: string) => () =>
    new Promise<string>((resolve) => {
      order.push(name);
      gates.set(name, () => resolve(name));
    });
  const abortError = () => new Error('aborted');
  const a = limiter.run('r', task('a'), undefined, abortError);
  const b = limiter.run('r', task('b'), undefined, abortError);
  const controller = new AbortController();
  const c = limiter.run('r', task('c'), controller.signal, abortError);
  const d = limiter.run('r', task('d'), undefined, abortError);
  const other = limiter.run('s', task('other'), undefined, abortError);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, ['a', 'b', 'other']);
  assert.deepEqual(limiter.load('r'), { running: 2, waiting: 2 });
  controller.abort();
  await assert.rejects(c, /aborted/);
  gates.get('a')!();
  await a;
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, ['a', 'b', 'other', 'd']);
  gates.get('b')!();
  gates.get('d')!();
  gates.get('other')!();
  assert.deepEqual(await Promise.all([b, d, other]), ['b', 'd', 'other']);
  assert.deepEqual(limiter.load('r'), { running: 0, waiting: 0 });
});
