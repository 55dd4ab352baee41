/**
 * Proves the registry test infrastructure (test/helpers/registry) against the real registry,
 * CNCF distribution 2.8.2, before any client test relies on it: every mode starts and stops, the
 * challenges are the real ones, seeded content reads back byte for byte, and the faulty server
 * misbehaves as asked. Assertions marked "quirk" pin distribution 2.8.2 behaviour the client must
 * handle; if the registry package changes, they say so here first.
 * Nothing is skipped: without `docker-registry` these tests fail with the install command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { connect } from 'node:tls';
import { join } from 'node:path';
import {
  decodeJwt,
  delay,
  hang,
  httpRequest,
  MANIFEST_ACCEPT,
  MEDIA_TYPES,
  moveTag,
  proxy,
  pushImage,
  pushIndex,
  pushTags,
  redirect,
  respond,
  sequence,
  slowBody,
  startMisbehavingServer,
  startRegistry,
  tooManyRequests,
} from '../helpers/registry';
import type { PushResult, RegistryOptions, RunningRegistry } from '../helpers/registry';

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** HEAD a manifest the way a correct client does, with all four media types accepted. */
async function headManifest(reg: RunningRegistry, repo: string, reference: string, headers: Record<string, string> = {}) {
  const ca = reg.caFile ? readFileSync(reg.caFile) : undefined;
  return httpRequest(`${reg.url}/v2/${repo}/manifests/${reference}`, { method: 'HEAD', ca, headers: { Accept: MANIFEST_ACCEPT, ...headers } });
}

/** Gets an anonymous or Basic-authenticated token for one scope from the registry's token server. */
async function tokenFor(reg: RunningRegistry, scope: string, authorization?: string): Promise<string> {
  const url = `${reg.tokenServer!.realm}?service=${reg.tokenServer!.service}&scope=${encodeURIComponent(scope)}`;
  const response = await httpRequest(url, { headers: authorization ? { Authorization: authorization } : {} });
  assert.equal(response.status, 200, response.body.toString());
  return response.json<{ token: string }>().token;
}

function connectTo(host: string): Promise<void> {
  const [hostname, port] = host.split(':');
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) }, () => {
      socket.end();
      resolve();
    });
    socket.on('error', reject);
  });
}

const MODES: ReadonlyArray<{ name: string; options: RegistryOptions; anonymousStatus: number }> = [
  { name: 'plain HTTP, no auth', options: {}, anonymousStatus: 200 },
  { name: 'basic auth', options: { auth: 'basic' }, anonymousStatus: 401 },
  { name: 'token auth (x5c)', options: { auth: 'token' }, anonymousStatus: 401 },
  { name: 'token auth (libtrust kid)', options: { auth: 'token', token: { keyHeader: 'kid' } }, anonymousStatus: 401 },
  { name: 'TLS, no auth', options: { tls: true }, anonymousStatus: 200 },
  { name: 'TLS + basic auth', options: { tls: true, auth: 'basic' }, anonymousStatus: 401 },
  { name: 'TLS + token auth', options: { tls: true, auth: 'token' }, anonymousStatus: 401 },
];

test('every mode starts, serves /v2/, accepts a push as its admin, and stops', async (t) => {
  for (const mode of MODES) {
    await t.test(mode.name, async (t) => {
      const reg = await startRegistry(mode.options);
      try {
        t.diagnostic(`${mode.name}: started in ${reg.startMs} ms`);
        assert.match(reg.host, /^127\.0\.0\.1:\d+$/);
        assert.equal(reg.url, `${mode.options.tls ? 'https' : 'http'}://${reg.host}`);
        assert.equal((await headManifest(reg, 'nothing', 'here')).status, mode.anonymousStatus === 200 ? 404 : 401);
        const ca = reg.caFile ? readFileSync(reg.caFile) : undefined;
        assert.equal((await httpRequest(`${reg.url}/v2/`, { ca })).status, mode.anonymousStatus);
        // The push goes through the auth flow of this mode, so it proves the token signature too.
        const pushed = await pushImage(reg, 'public/smoke', 'v1');
        const headers: Record<string, string> = {};
        if (reg.username) headers.Authorization = basic(reg.username, reg.password!);
        if (mode.options.auth === 'token') {
          const token = await tokenFor(reg, 'repository:public/smoke:pull', headers.Authorization);
          assert.ok(decodeJwt(token).header[mode.options.token?.keyHeader ?? 'x5c'], 'the JWT header names its key as configured');
          headers.Authorization = `Bearer ${token}`;
        }
        assert.equal((await headManifest(reg, 'public/smoke', 'v1', headers)).header('docker-content-digest'), pushed.digest);
      } finally {
        await reg.stop();
      }
      // A new connection, because a pooled keep-alive socket would fail with "socket hang up" instead.
      await assert.rejects(connectTo(reg.host), /ECONNREFUSED/, 'the registry is gone after stop()');
      await reg.stop();
    });
  }
});

test('a registry that cannot start is an error with the reason, never a skip', async () => {
  await assert.rejects(startRegistry({ binary: '/nonexistent/docker-registry' }), /not found on PATH.*apt-get install/s);
  await assert.rejects(startRegistry({ binary: '/bin/false' }), /exited \(1\) before serving/);
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-infra-'));
  try {
    const silent = join(dir, 'silent-registry');
    writeFileSync(silent, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(silent, 0o755);
    const started = Date.now();
    await assert.rejects(startRegistry({ binary: silent, startTimeoutMs: 500 }), /did not serve within the start timeout/);
    assert.ok(Date.now() - started < 5000, 'the timeout is honoured');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('basic auth: anonymous requests get the Basic challenge, the returned credentials work', async () => {
  const reg = await startRegistry({ auth: 'basic' });
  try {
    const anonymous = await httpRequest(`${reg.url}/v2/`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.header('www-authenticate'), 'Basic realm="test-registry"');
    assert.equal(anonymous.json<{ errors: Array<{ code: string }> }>().errors[0].code, 'UNAUTHORIZED');
    assert.equal((await httpRequest(`${reg.url}/v2/`, { headers: { Authorization: basic(reg.username!, reg.password!) } })).status, 200);
    assert.equal((await httpRequest(`${reg.url}/v2/`, { headers: { Authorization: basic(reg.username!, 'wrong') } })).status, 401);
    assert.equal((await httpRequest(`${reg.url}/v2/`, { headers: { Authorization: basic('alice', reg.users!.alice) } })).status, 200);
  } finally {
    await reg.stop();
  }
});

test('token auth: the Bearer challenge, grants per account, counted token requests', async (t) => {
  const reg = await startRegistry({ auth: 'token' });
  const tokens = reg.tokenServer!;
  try {
    const anonymous = await httpRequest(`${reg.url}/v2/`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.header('www-authenticate'), `Bearer realm="${tokens.realm}",service="test-registry"`);
    const head = await headManifest(reg, 'private/app', 'v1');
    assert.equal(head.header('www-authenticate'), `Bearer realm="${tokens.realm}",service="test-registry",scope="repository:private/app:pull"`);

    const privateImage = await pushImage(reg, 'private/app', 'v1');
    const publicImage = await pushImage(reg, 'public/app', 'v1');
    tokens.resetRequests();

    await t.test('anonymous may pull public/* but not private/*', async () => {
      const publicToken = await tokenFor(reg, 'repository:public/app:pull');
      assert.equal(
        (await headManifest(reg, 'public/app', 'v1', { Authorization: `Bearer ${publicToken}` })).header('docker-content-digest'),
        publicImage.digest,
      );
      const privateToken = await tokenFor(reg, 'repository:private/app:pull');
      assert.deepEqual(decodeJwt(privateToken).payload.access, [], 'nothing is granted');
      const denied = await headManifest(reg, 'private/app', 'v1', { Authorization: `Bearer ${privateToken}` });
      assert.equal(denied.status, 401);
      assert.match(denied.header('www-authenticate')!, /error="insufficient_scope"/);
    });

    await t.test('alice may pull private/* and nothing more', async () => {
      const alice = basic('alice', reg.users!.alice);
      const token = await tokenFor(reg, 'repository:private/app:pull,push', alice);
      const { payload } = decodeJwt(token);
      assert.deepEqual(payload.access, [{ type: 'repository', name: 'private/app', actions: ['pull'] }]);
      assert.equal(payload.sub, 'alice');
      assert.equal(payload.aud, 'test-registry');
      assert.equal(payload.iss, 'test-issuer');
      assert.equal((await headManifest(reg, 'private/app', 'v1', { Authorization: `Bearer ${token}` })).header('docker-content-digest'), privateImage.digest);
    });

    await t.test('a wrong password is refused by the token server', async () => {
      const url = `${tokens.realm}?service=test-registry&scope=repository:private/app:pull`;
      assert.equal((await httpRequest(url, { headers: { Authorization: basic('alice', 'wrong') } })).status, 401);
    });

    await t.test('OAuth2 POST with grant_type=password works too', async () => {
      const form = new URLSearchParams({
        grant_type: 'password',
        username: 'alice',
        password: reg.users!.alice,
        service: 'test-registry',
        scope: 'repository:private/app:pull',
        client_id: 'infra-test',
      });
      const response = await httpRequest(tokens.realm, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      assert.equal(response.status, 200);
      assert.ok(response.json<{ access_token: string }>().access_token);
    });

    await t.test('the registry rejects an expired token (beyond its 60 s leeway)', async () => {
      const access = [{ type: 'repository', name: 'private/app', actions: ['pull'] }];
      const expired = tokens.issueToken({ account: 'alice', access, expiresIn: -120 });
      const response = await headManifest(reg, 'private/app', 'v1', { Authorization: `Bearer ${expired}` });
      assert.equal(response.status, 401);
      assert.match(response.header('www-authenticate')!, /error="invalid_token"/);
      // Quirk: 30 s past `exp` is still inside the leeway, so expiry tests must count token requests instead.
      const recent = tokens.issueToken({ account: 'alice', access, expiresIn: -30 });
      assert.equal((await headManifest(reg, 'private/app', 'v1', { Authorization: `Bearer ${recent}` })).status, 200);
    });

    await t.test('every token request is recorded', () => {
      assert.deepEqual(
        tokens.requests.map((r) => [r.method, r.account, r.status]),
        [
          ['GET', null, 200],
          ['GET', null, 200],
          ['GET', 'alice', 200],
          ['GET', null, 401],
          ['POST', 'alice', 200],
        ],
      );
      assert.deepEqual(tokens.requests[0].scopes, ['repository:public/app:pull']);
      assert.equal(tokens.requests[0].service, 'test-registry');
    });
  } finally {
    await reg.stop();
  }
});

test('seeded images read back with the digest and bytes that were pushed', async (t) => {
  const reg = await startRegistry({});
  try {
    const labels = { 'org.opencontainers.image.description': 'seeded by infra.test' };
    const ociImage = await pushImage(reg, 'oci/image', 'v1', { platform: 'linux/arm/v7', labels, created: '2023-01-02T03:04:05Z', layers: 2 });
    const dockerImage = await pushImage(reg, 'docker/image', 'v1', { format: 'docker', labels });
    const ociIndex = await pushIndex(reg, 'oci/index', 'v1', ['linux/amd64', 'linux/arm64/v8'], { attestations: true });
    const dockerList = await pushIndex(reg, 'docker/list', 'v1', ['linux/amd64', 'linux/arm64/v8'], { format: 'docker' });
    const cases: ReadonlyArray<[string, PushResult & { manifest: Buffer }]> = [
      ['oci/image', ociImage],
      ['docker/image', dockerImage],
      ['oci/index', ociIndex],
      ['docker/list', dockerList],
    ];
    for (const [repo, pushed] of cases) {
      await t.test(`${repo}: HEAD and GET with the four Accept types`, async () => {
        const head = await headManifest(reg, repo, 'v1');
        assert.equal(head.status, 200);
        assert.equal(head.header('docker-content-digest'), pushed.digest);
        assert.equal(head.header('content-type'), pushed.mediaType);
        assert.equal(Number(head.header('content-length')), pushed.size);
        const get = await fetch(`${reg.url}/v2/${repo}/manifests/${pushed.digest}`, { headers: { Accept: MANIFEST_ACCEPT } });
        assert.equal(get.status, 200);
        assert.deepEqual(Buffer.from(await get.arrayBuffer()), pushed.manifest);
      });
    }

    await t.test('the config blob holds created, os, architecture, variant and labels', async () => {
      const image = await pushImage(reg, 'oci/config', 'v1', { platform: 'linux/arm/v7', labels, created: '2023-01-02T03:04:05Z' });
      const response = await fetch(`${reg.url}/v2/oci/config/blobs/${image.configDigest}`);
      const config = (await response.json()) as {
        created: string;
        os: string;
        architecture: string;
        variant: string;
        config: { Labels: Record<string, string> };
        rootfs: { diff_ids: string[] };
      };
      assert.equal(config.created, '2023-01-02T03:04:05Z');
      assert.deepEqual([config.os, config.architecture, config.variant], ['linux', 'arm', 'v7']);
      assert.equal(config.config.Labels['org.opencontainers.image.description'], 'seeded by infra.test');
      assert.equal(config.config.Labels['org.opencontainers.image.version'], 'v1');
      assert.equal(config.rootfs.diff_ids.length, 1);
    });

    await t.test('an index lists its platforms and attestations', async () => {
      const manifests = (
        JSON.parse(ociIndex.manifest.toString()) as {
          manifests: Array<{ platform: { architecture: string; os: string }; annotations?: Record<string, string> }>;
        }
      ).manifests;
      assert.deepEqual(
        manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`),
        ['linux/amd64', 'linux/arm64', 'unknown/unknown', 'unknown/unknown'],
      );
      assert.equal(manifests[2].annotations?.['vnd.docker.reference.digest'], ociIndex.images[0].digest);
      assert.equal(ociIndex.attestations.length, 2);
      for (const image of [...ociIndex.images, ...ociIndex.attestations]) assert.equal((await headManifest(reg, 'oci/index', image.digest)).status, 200);
    });

    await t.test('quirk: without the right Accept, OCI manifests are 404 and Docker ones turn into schema 1', async () => {
      const oci = await httpRequest(`${reg.url}/v2/oci/image/manifests/v1`, { method: 'HEAD' });
      assert.equal(oci.status, 404);
      const docker = await httpRequest(`${reg.url}/v2/docker/image/manifests/v1`, { method: 'HEAD' });
      assert.equal(docker.header('content-type'), 'application/vnd.docker.distribution.manifest.v1+prettyjws');
      assert.notEqual(docker.header('docker-content-digest'), dockerImage.digest);
      const list = await httpRequest(`${reg.url}/v2/docker/list/manifests/v1`, { method: 'HEAD', headers: { Accept: MEDIA_TYPES.dockerManifest } });
      assert.equal(list.header('docker-content-digest'), dockerList.images[0].digest, 'a list asked for as schema 2 answers its linux/amd64 child');
    });
  } finally {
    await reg.stop();
  }
});

test('260 tags are all listed, and tags/list ignores n (quirk)', async (t) => {
  const reg = await startRegistry({ auth: 'basic' });
  try {
    const tags = Array.from({ length: 260 }, (_, i) => `1.0.${i}`);
    const started = Date.now();
    const pushed = await pushTags(reg, 'many/tags', tags);
    t.diagnostic(`pushTags(260) with basic auth took ${Date.now() - started} ms`);
    const response = await httpRequest(`${reg.url}/v2/many/tags/tags/list?n=10`, { headers: { Authorization: basic(reg.username!, reg.password!) } });
    const listed = response.json<{ name: string; tags: string[] }>();
    assert.equal(listed.name, 'many/tags');
    assert.deepEqual([...listed.tags].sort(), [...tags].sort());
    assert.equal(response.header('link'), undefined, 'distribution 2.8.2 does not page tags');
    const last = await headManifest(reg, 'many/tags', '1.0.259', { Authorization: basic(reg.username!, reg.password!) });
    assert.equal(last.header('docker-content-digest'), pushed.digest);
  } finally {
    await reg.stop();
  }
});

test('moveTag points the tag at a new digest and keeps the old one by digest', async () => {
  const reg = await startRegistry({ auth: 'token' });
  try {
    const before = await pushImage(reg, 'public/moving', 'stable');
    const after = await moveTag(reg, 'public/moving', 'stable');
    assert.notEqual(after.digest, before.digest);
    const token = await tokenFor(reg, 'repository:public/moving:pull');
    const auth = { Authorization: `Bearer ${token}` };
    assert.equal((await headManifest(reg, 'public/moving', 'stable', auth)).header('docker-content-digest'), after.digest);
    assert.equal((await headManifest(reg, 'public/moving', before.digest, auth)).status, 200);
  } finally {
    await reg.stop();
  }
});

test('the TLS registry is trusted only through its CA file', async () => {
  const reg = await startRegistry({ tls: true });
  try {
    const ca = readFileSync(reg.caFile!, 'utf8');
    const certificate = new X509Certificate(ca);
    assert.equal(certificate.ca, true);
    await assert.rejects(fetch(`${reg.url}/v2/`), (error: Error & { cause?: { code?: string } }) => {
      assert.match(String(error.cause?.code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
      return true;
    });
    await assert.rejects(httpRequest(`${reg.url}/v2/`), /self-signed|unable to verify|certificate/i);
    assert.equal((await httpRequest(`${reg.url}/v2/`, { ca })).status, 200);
    // Clients match an IP address against subjectAltName only, never against the common name.
    const san = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(reg.host.split(':')[1]), ca }, () => {
        resolve(socket.getPeerCertificate().subjectaltname ?? '');
        socket.end();
      });
      socket.on('error', reject);
    });
    assert.match(san, /IP Address:127\.0\.0\.1/);
  } finally {
    await reg.stop();
  }
});

test('the misbehaving server delays, fails, throttles, redirects and counts', async (t) => {
  const server = await startMisbehavingServer();
  const other = await startMisbehavingServer(respond(200, 'blob bytes'));
  const reg = await startRegistry({});
  try {
    await t.test('delay', async () => {
      server.on('/slow', delay(300, respond(200, 'late')));
      const started = Date.now();
      const response = await fetch(`${server.url}/slow`);
      assert.equal(await response.text(), 'late');
      assert.ok(Date.now() - started >= 290);
    });

    await t.test('hang: the client gives up, the server does not block stop()', async () => {
      server.on('/hang', hang());
      await assert.rejects(fetch(`${server.url}/hang`, { signal: AbortSignal.timeout(200) }), /abort|timeout/i);
    });

    await t.test('slow body', async () => {
      server.on('/trickle', slowBody(200, 'x'.repeat(64), { chunkBytes: 16, intervalMs: 50 }));
      const started = Date.now();
      assert.equal((await (await fetch(`${server.url}/trickle`)).text()).length, 64);
      assert.ok(Date.now() - started >= 150);
    });

    await t.test('500 and 429 with Retry-After, then success', async () => {
      server.on('/flaky', sequence(respond(500, 'boom'), tooManyRequests(2), respond(200, 'ok')));
      assert.equal((await fetch(`${server.url}/flaky`)).status, 500);
      const throttled = await fetch(`${server.url}/flaky`);
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers.get('retry-after'), '2');
      assert.equal((await fetch(`${server.url}/flaky`)).status, 200);
      assert.equal((await fetch(`${server.url}/flaky`)).status, 200);
      assert.equal(server.count('/flaky'), 4);
    });

    await t.test('a redirect to another host, which records the Authorization it receives', async () => {
      server.on(/^\/v2\/.*\/blobs\//, redirect(`${other.url}/storage/blob?sig=1`));
      const first = await httpRequest(`${server.url}/v2/app/blobs/sha256:abc`, { headers: { Authorization: 'Bearer registry-token' } });
      assert.equal(first.status, 307);
      // A careless client forwards the header; the other host shows it.
      await httpRequest(first.header('location')!, { headers: { Authorization: 'Bearer registry-token' } });
      // fetch follows the redirect across origins and drops Authorization, as the Fetch standard says.
      await fetch(`${server.url}/v2/app/blobs/sha256:abc`, { headers: { Authorization: 'Bearer registry-token' } });
      assert.deepEqual(
        other.requests.map((r) => [r.url, r.headers.authorization]),
        [
          ['/storage/blob?sig=1', 'Bearer registry-token'],
          ['/storage/blob?sig=1', undefined],
        ],
      );
      assert.equal(other.count('/storage/blob'), 2);
    });

    await t.test('proxy to the real registry: a push goes through, one route can still fail first', async () => {
      server.on(/^\/v2\//, proxy(reg));
      const pushed = await pushImage({ url: server.url }, 'via/proxy', 'v1');
      assert.equal((await headManifest(reg, 'via/proxy', 'v1')).header('docker-content-digest'), pushed.digest);
      server.on('/v2/via/proxy/manifests/v1', sequence(tooManyRequests(1), proxy(reg)));
      const url = `${server.url}/v2/via/proxy/manifests/v1`;
      assert.equal((await fetch(url, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } })).status, 429);
      const retried = await fetch(url, { method: 'HEAD', headers: { Accept: MANIFEST_ACCEPT } });
      assert.equal(retried.headers.get('docker-content-digest'), pushed.digest);
      assert.ok(server.count('/v2/via/proxy/manifests/v1') >= 3);
    });

    await t.test('unrouted paths get 404 and are counted', async () => {
      server.resetRequests();
      assert.equal((await fetch(`${server.url}/nowhere`)).status, 404);
      assert.equal(server.count('/nowhere'), 1);
      assert.equal(server.count(), 1);
    });
  } finally {
    await server.stop();
    await other.stop();
    await reg.stop();
  }
});
