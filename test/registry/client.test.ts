/**
 * The registry client against a real registry (CNCF distribution 2.8.2 on loopback, plain HTTP, no auth):
 * tag lists, the three manifest shapes distribution stores (OCI image, Docker schema 2, index/list), the details
 * read from config blobs, and the errors for names that do not exist.
 * The client has no credentials here (an empty HOME), so it proves anonymous access and the HTTPS → HTTP fallback.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient } from '../../server/src/registry';
import { DEFAULT_CREATED, json, pushImage, pushIndex, pushTags, startMisbehavingServer, startRegistry } from '../helpers/registry';
import { rejectsWith } from '../helpers/registry/assertions';
import type { RunningRegistry } from '../helpers/registry';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

let registry: RunningRegistry;
let home: string;
let client: RegistryClient;

before(async () => {
  registry = await startRegistry();
  home = mkdtempSync(join(tmpdir(), 'image-aware-client-'));
  client = createRegistryClient({ env: { HOME: home, PATH: process.env.PATH }, fetchTimeoutMs: 5000 });
});

after(async () => {
  client?.close();
  await registry?.stop();
  rmSync(home, { recursive: true, force: true });
});

function layerSum(manifest: Buffer): number {
  const parsed = JSON.parse(manifest.toString('utf8')) as { layers: { size: number }[] };
  return parsed.layers.reduce((sum, layer) => sum + layer.size, 0);
}

test('lists 260 tags that distribution 2.8 returns in one page (it ignores n)', async () => {
  const tags = Array.from({ length: 260 }, (_, i) => `v${String(i).padStart(3, '0')}`);
  await pushTags(registry, 'team/many', tags);
  const list = await client.listTags({ registry: registry.host, path: 'team/many' });
  assert.deepEqual([...list.tags].sort(), tags);
  assert.equal(list.fromCache, false);
  assert.equal(list.stale, false);
});

test('an OCI image: digest, media type, size, layer total, created, labels and platform from the config', async () => {
  const pushed = await pushImage(registry, 'team/oci', 'v1', { format: 'oci', layers: 3, platform: 'linux/arm64/v8', labels: { 'com.example.team': 'core' } });
  const info = await client.getManifest({ registry: registry.host, path: 'team/oci', reference: 'v1' });
  assert.equal(info.digest, pushed.digest);
  assert.equal(info.mediaType, OCI_MANIFEST);
  assert.equal(info.size, pushed.size);
  assert.equal(info.isIndex, false);
  assert.equal(info.totalSize, layerSum(pushed.manifest));
  assert.ok(info.totalSize! > 0);
  assert.equal(info.created, DEFAULT_CREATED);
  assert.equal(info.labels?.['com.example.team'], 'core');
  assert.equal(info.os, 'linux');
  assert.equal(info.architecture, 'arm64');
  assert.equal(info.variant, 'v8');
  assert.equal(info.configMediaType, 'application/vnd.oci.image.config.v1+json');
  assert.equal(info.platforms, undefined);
});

test('a Docker schema 2 image keeps its own digest (no schema 1 conversion)', async () => {
  const pushed = await pushImage(registry, 'team/docker', 'v1', { format: 'docker' });
  const info = await client.getManifest({ registry: registry.host, path: 'team/docker', reference: 'v1' });
  assert.equal(info.digest, pushed.digest);
  assert.equal(info.mediaType, DOCKER_MANIFEST);
  assert.equal(info.size, pushed.size);
  assert.equal(info.totalSize, layerSum(pushed.manifest));
  assert.equal(info.architecture, 'amd64');
});

test('an OCI index lists its platforms with digests and leaves attestation manifests out', async () => {
  const pushed = await pushIndex(registry, 'team/multi', 'v1', ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'], { attestations: true });
  const info = await client.getManifest({ registry: registry.host, path: 'team/multi', reference: 'v1' });
  assert.equal(info.digest, pushed.digest);
  assert.equal(info.mediaType, OCI_INDEX);
  assert.equal(info.isIndex, true);
  assert.equal(info.size, pushed.size);
  assert.deepEqual(
    info.platforms?.map((p) => [p.os, p.architecture, p.variant, p.digest, p.size]),
    pushed.images.map((image) => [image.platform.os, image.platform.architecture, image.platform.variant, image.digest, image.size]),
  );
  assert.equal(info.platforms?.[0].totalSize, undefined, 'children are fetched only for detail "platforms"');
});

test('detail "platforms" fetches every child for per-platform sizes and created', async () => {
  const pushed = await pushIndex(registry, 'team/list', 'v1', ['linux/amd64', 'linux/s390x'], { format: 'docker', created: '2025-01-02T03:04:05Z' });
  const info = await client.getManifest({ registry: registry.host, path: 'team/list', reference: 'v1' }, { detail: 'platforms' });
  assert.equal(info.mediaType, DOCKER_LIST);
  assert.deepEqual(
    info.platforms?.map((p) => [p.architecture, p.totalSize, p.created]),
    pushed.images.map((image) => [image.platform.architecture, layerSum(image.manifest), '2025-01-02T03:04:05Z']),
  );
});

test('detail "digest" answers from HEAD alone', async () => {
  const pushed = await pushImage(registry, 'team/pin', 'v1');
  const info = await client.getManifest({ registry: registry.host, path: 'team/pin', reference: 'v1' }, { detail: 'digest' });
  assert.equal(info.digest, pushed.digest);
  assert.equal(info.mediaType, pushed.mediaType);
  assert.equal(info.size, pushed.size);
  assert.equal(info.created, undefined);
});

test('a manifest by digest is fetched and verified by that digest', async () => {
  const pushed = await pushImage(registry, 'team/bydigest', 'v1');
  const info = await client.getManifest({ registry: registry.host, path: 'team/bydigest', reference: pushed.digest });
  assert.equal(info.digest, pushed.digest);
  assert.equal(info.created, DEFAULT_CREATED);
});

test('unknown names: MANIFEST_UNKNOWN for a missing tag or digest, NAME_UNKNOWN from the tag list of a missing repository', async () => {
  await pushImage(registry, 'team/known', 'v1');
  const tag = await rejectsWith(client.getManifest({ registry: registry.host, path: 'team/known', reference: 'nope' }), 'MANIFEST_UNKNOWN');
  assert.equal(tag.status, 404);
  assert.equal(tag.temporary, false);
  await rejectsWith(client.listTags({ registry: registry.host, path: 'team/absent' }), 'NAME_UNKNOWN');
  const digest = `sha256:${'0'.repeat(64)}`;
  await rejectsWith(client.getManifest({ registry: registry.host, path: 'team/known', reference: digest }), 'MANIFEST_UNKNOWN');
  await rejectsWith(client.getManifest({ registry: registry.host, path: 'team/known', reference: digest }, { detail: 'digest' }), 'MANIFEST_UNKNOWN');
  // Quirk: distribution says MANIFEST_UNKNOWN for a manifest of a repository that does not exist; only the tag list tells.
  await rejectsWith(client.getManifest({ registry: registry.host, path: 'team/absent', reference: 'v1' }), 'MANIFEST_UNKNOWN');
});

test('names are checked before any request: no path tricks reach the URL', async () => {
  await rejectsWith(client.listTags({ registry: registry.host, path: '../v2/x' }), 'NAME_INVALID');
  await rejectsWith(client.listTags({ registry: `${registry.host}/evil`, path: 'a' }), 'NAME_INVALID');
  await rejectsWith(client.getManifest({ registry: registry.host, path: 'a', reference: 'v1?x=1' }), 'TAG_INVALID');
});

test('Link paging, as Docker Hub, GHCR and Harbor do it: relative and absolute links, stopping at a loop', async () => {
  const server = await startMisbehavingServer();
  try {
    const all = Array.from({ length: 25 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    server.on('/v2/', json(200, {}));
    server.on('/v2/paged/app/tags/list', (request, response) => {
      const url = new URL(request.url ?? '/', server.url);
      const n = Number(url.searchParams.get('n') ?? 10) > 10 ? 10 : Number(url.searchParams.get('n')); // caps n like Docker Hub
      const last = url.searchParams.get('last');
      const start = last === null ? 0 : all.indexOf(last) + 1;
      const page = all.slice(start, start + n);
      const headers: Record<string, string> = {};
      if (start + n < all.length) {
        const next = `/v2/paged/app/tags/list?n=${n}&last=${page[page.length - 1]}`;
        headers.Link = start === 0 ? `<${next}>; rel="next"` : `<${server.url}${next}>; rel="next"`; // relative, then absolute
      }
      return json(200, { name: 'paged/app', tags: page }, headers)(request, response, Buffer.alloc(0));
    });
    server.on('/v2/loop/app/tags/list', json(200, { name: 'loop/app', tags: ['a', 'b'] }, { Link: '</v2/loop/app/tags/list?n=1000>; rel="next"' }));
    const list = await client.listTags({ registry: server.host, path: 'paged/app' });
    assert.deepEqual(list.tags, all);
    assert.equal(server.count('/v2/paged/app/tags/list'), 3);
    assert.deepEqual((await client.listTags({ registry: server.host, path: 'loop/app' })).tags, ['a', 'b']);
    assert.equal(server.count('/v2/loop/app/tags/list'), 1, 'a link back to the same page is not followed');
  } finally {
    await server.stop();
  }
});
