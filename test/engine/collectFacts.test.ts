/**
 * collectFacts against a real registry (CNCF distribution on loopback) behind a recording proxy, so
 * every HTTP request the client makes is counted: each unique question is asked exactly once, the
 * answers become RegistryFacts (found with platforms, sizes, dates and labels; not found; the
 * repository unknown), and failures become one problem per registry naming the credentials tried.
 * The client is the real one with an empty HOME (or one holding only the docker config a test
 * writes), so no credentials of this machine are used. Anonymous-pull probes are checked against a
 * token registry (anonymous may pull public/*, alice private/*) and a Basic one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analysis';
import { DIAGNOSTIC_CODES } from '../../server/src/core/diagnostics/catalog';
import { collectDiagnostics } from '../../server/src/core/features/diagnostics';
import { anonymousPullQueries, factQueries } from '../../server/src/core/imageSites';
import { parseSettings } from '../../server/src/core/settings';
import { collectFacts, collectTags } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { ManifestRef, ManifestRequestOptions, RegistryClient, RepositoryName, RequestOptions } from '../../server/src/registry';
import { DEFAULT_CREATED, proxy, pushImage, pushIndex, pushTags, respond, startMisbehavingServer, startRegistry } from '../helpers/registry';
import type { MisbehavingServer, PushedImage, PushedIndex, RunningRegistry } from '../helpers/registry';

let registry: RunningRegistry;
let locked: RunningRegistry;
let tokened: RunningRegistry;
let front: MisbehavingServer;
/** Proxies in front of the token and Basic registries, to count their requests. */
let tokenFront: MisbehavingServer;
let lockedFront: MisbehavingServer;
let home: string;
let oci: PushedImage;
let docker: PushedImage;
let index: PushedIndex;
const clients: RegistryClient[] = [];

before(async () => {
  [registry, locked, tokened] = await Promise.all([startRegistry(), startRegistry({ auth: 'basic' }), startRegistry({ auth: 'token' })]);
  home = mkdtempSync(join(tmpdir(), 'image-aware-engine-'));
  oci = await pushImage(registry, 'team/web', '1.0.0', { layers: 2, labels: { 'org.opencontainers.image.description': 'the web server' } });
  docker = await pushImage(registry, 'team/legacy', '2.1', { format: 'docker' });
  index = await pushIndex(registry, 'team/multi', '3.0.0', ['linux/amd64', 'linux/arm64/v8'], { attestations: true });
  await pushTags(
    registry,
    'team/many',
    Array.from({ length: 40 }, (_, i) => `1.${i}.0`),
  );
  await pushImage(locked, 'team/secret', '1.0');
  for (const path of ['private/app', 'private/other', 'private/never', 'public/tool']) await pushImage(tokened, path, 'v1');
  front = await startMisbehavingServer(proxy(registry));
  tokenFront = await startMisbehavingServer(proxy(tokened));
  lockedFront = await startMisbehavingServer(proxy(locked));
});

after(async () => {
  for (const client of clients) client.close();
  await Promise.all([front?.stop(), tokenFront?.stop(), lockedFront?.stop()]);
  await Promise.all([registry?.stop(), locked?.stop(), tokened?.stop()]);
  rmSync(home, { recursive: true, force: true });
});

/** A real client with no credentials (or only `dockerConfig`), plus a count of the calls the engine makes through it. */
function countingClient(dockerConfig?: unknown): { client: RegistryClient; calls: string[] } {
  let clientHome = home;
  if (dockerConfig !== undefined) {
    clientHome = mkdtempSync(join(home, 'with-config-'));
    mkdirSync(join(clientHome, '.docker'));
    writeFileSync(join(clientHome, '.docker', 'config.json'), JSON.stringify(dockerConfig));
  }
  const real = createRegistryClient({ env: { HOME: clientHome, PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0 });
  clients.push(real);
  const calls: string[] = [];
  const client: RegistryClient = {
    listTags: (repository: RepositoryName, options?: RequestOptions) => {
      calls.push(`tags ${repository.registry}/${repository.path}`);
      return real.listTags(repository, options);
    },
    getManifest: (ref: ManifestRef, options?: ManifestRequestOptions) => {
      calls.push(`manifest ${ref.registry}/${ref.path} ${ref.reference}`);
      return real.getManifest(ref, options);
    },
    requiresAuth: (ref: ManifestRef, options?: RequestOptions) => {
      calls.push(`anonymous ${ref.registry}/${ref.path} ${ref.reference}`);
      return real.requiresAuth(ref, options);
    },
    listReferrers: (ref: ManifestRef, options?: RequestOptions) => {
      calls.push(`referrers ${ref.registry}/${ref.path} ${ref.reference}`);
      return real.listReferrers(ref, options);
    },
    rateLimit: (registry: string) => real.rateLimit(registry),
    close: () => real.close(),
  };
  return { client, calls };
}

function pod(host: string, images: readonly string[]): string {
  const containers = images.map((image, i) => `    - name: c${i}\n      image: ${image.replace('HOST', host)}\n`).join('');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n${containers}`;
}

function queriesOf(text: string) {
  return factQueries(analyze(text, { maxFileSize: 1 << 20 }));
}

test('each unique reference is asked once, however often the file uses it', async () => {
  front.resetRequests();
  const { client, calls } = countingClient();
  const text = pod(front.host, [
    'HOST/team/web:1.0.0',
    'HOST/team/web:1.0.0',
    `HOST/team/web:1.0.0@${oci.digest}`,
    'HOST/team/legacy:2.1',
    'HOST/team/legacy:2.1',
    'HOST/team/web:9.9',
    'HOST/team/nothing:1',
  ]);
  const facts = await collectFacts(queriesOf(text), client, { detail: 'digest' });
  assert.deepEqual(calls.sort(), [
    `manifest ${front.host}/team/legacy 2.1`,
    `manifest ${front.host}/team/nothing 1`,
    `manifest ${front.host}/team/web 1.0.0`,
    `manifest ${front.host}/team/web 9.9`,
    `manifest ${front.host}/team/web ${oci.digest}`,
  ]);
  // One HEAD per tag (the digest detail needs no body) and per digest, never twice.
  assert.equal(front.requests.filter((r) => r.path === '/v2/team/web/manifests/1.0.0').length, 1);
  assert.equal(front.requests.filter((r) => r.path === '/v2/team/legacy/manifests/2.1').length, 1);
  assert.equal(front.requests.filter((r) => r.path === `/v2/team/web/manifests/${oci.digest}`).length, 1);
  const web = facts.manifests.get(`${front.host}/team/web:1.0.0`);
  assert.equal(web?.status, 'found');
  assert.equal(web.status === 'found' && web.digest, oci.digest);
  assert.equal(
    facts.manifests.get(`${front.host}/team/legacy:2.1`)?.status === 'found' &&
      (facts.manifests.get(`${front.host}/team/legacy:2.1`) as { digest: string }).digest,
    docker.digest,
  );
  assert.deepEqual(facts.manifests.get(`${front.host}/team/web:9.9`), { status: 'not-found', unknown: 'manifest' });
  // Distribution answers MANIFEST_UNKNOWN even when the repository does not exist.
  assert.deepEqual(facts.manifests.get(`${front.host}/team/nothing:1`), { status: 'not-found', unknown: 'manifest' });
  assert.equal(facts.problems.size, 0);
});

test('listTagsOfMissing: a missing tag lists its repository once, and the tag list tells a missing repository apart', async () => {
  const { client, calls } = countingClient();
  const text = pod(registry.host, ['HOST/team/web:9.9', 'HOST/team/web:9.8', 'HOST/team/nothing:1', 'HOST/team/legacy:2.1']);
  const facts = await collectFacts(queriesOf(text), client, { detail: 'digest', listTagsOfMissing: true });
  assert.deepEqual(calls.filter((call) => call.startsWith('tags')).sort(), [`tags ${registry.host}/team/nothing`, `tags ${registry.host}/team/web`]);
  assert.deepEqual(facts.tags.get(`${registry.host}/team/web`)?.tags, ['1.0.0']);
  assert.deepEqual(facts.manifests.get(`${registry.host}/team/web:9.9`), { status: 'not-found', unknown: 'manifest' });
  assert.deepEqual(facts.manifests.get(`${registry.host}/team/nothing:1`), { status: 'not-found', unknown: 'repository' });
  assert.equal(facts.problems.size, 0);
});

test('the platforms detail: an OCI image with size, date and labels; an index with each platform, attestations left out', async () => {
  const { client } = countingClient();
  const text = pod(registry.host, ['HOST/team/web:1.0.0', 'HOST/team/multi:3.0.0']);
  const facts = await collectFacts(queriesOf(text), client);
  const web = facts.manifests.get(`${registry.host}/team/web:1.0.0`);
  assert.ok(web?.status === 'found');
  assert.equal(web.isIndex, false);
  assert.equal(web.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(web.created, DEFAULT_CREATED);
  assert.equal(web.labels['org.opencontainers.image.description'], 'the web server');
  assert.ok(web.totalSize! > 0);
  const multi = facts.manifests.get(`${registry.host}/team/multi:3.0.0`);
  assert.ok(multi?.status === 'found');
  assert.equal(multi.digest, index.digest);
  assert.equal(multi.isIndex, true);
  assert.deepEqual(
    multi.platforms.map((p) => [p.os, p.architecture, p.variant, p.digest, p.created]),
    [
      ['linux', 'amd64', undefined, index.images[0].digest, DEFAULT_CREATED],
      ['linux', 'arm64', 'v8', index.images[1].digest, DEFAULT_CREATED],
    ],
  );
  assert.ok(multi.platforms.every((p) => p.totalSize! > 0));
});

test('a registry that wants credentials: one unauthorized problem naming what was tried, every answer failed', async () => {
  const { client } = countingClient();
  const text = pod(locked.host, ['HOST/team/secret:1.0', 'HOST/team/secret:2.0']);
  const facts = await collectFacts(queriesOf(text), client);
  assert.deepEqual(facts.manifests.get(`${locked.host}/team/secret:1.0`), { status: 'failed', problem: 'unauthorized' });
  assert.deepEqual(facts.manifests.get(`${locked.host}/team/secret:2.0`), { status: 'failed', problem: 'unauthorized' });
  const problem = facts.problems.get(locked.host);
  assert.equal(problem?.kind, 'unauthorized');
  // The first question's problem, however the answers raced.
  // The platforms detail reads the body with a GET, so the registry's own message is quoted.
  assert.equal(problem.reason, `${locked.host} refused access (tried anonymous).`);
  assert.equal(facts.problems.size, 1);
});

test('a registry nobody listens on: one unreachable problem', async () => {
  const closed = await startMisbehavingServer();
  const host = closed.host;
  await closed.stop();
  const { client } = countingClient();
  const facts = await collectFacts(queriesOf(pod(host, ['HOST/a:1', 'HOST/b:2'])), client);
  assert.equal(facts.problems.get(host)?.kind, 'unreachable');
  assert.equal(facts.problems.get(host)!.reason, `${host} refused the connection.`);
  assert.deepEqual(facts.manifests.get(`${host}/a:1`), { status: 'failed', problem: 'unreachable' });
});

test('a registry that sends too much or an invalid answer is told as such, not as unreachable, down to the diagnostic', async () => {
  const hostile = await startMisbehavingServer();
  try {
    const host = hostile.host;
    hostile.on('/v2/', respond(200, '{}'));
    hostile.on('/v2/team/big/manifests/1', respond(200, Buffer.alloc(5 * 1024 * 1024, 0x20), { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }));
    hostile.on('/v2/team/bad/manifests/1', respond(200, '', { 'Docker-Content-Digest': 'sha256:abc, command: [sh]' }));
    const { client } = countingClient();
    const text = pod(host, ['HOST/team/big:1']);
    const facts = await collectFacts(queriesOf(text), client);
    assert.deepEqual(facts.manifests.get(`${host}/team/big:1`), { status: 'failed', problem: 'invalid-answer' });
    const reason = `${host} sent more than 4194304 bytes for manifest ${host}/team/big:1.`;
    assert.equal(facts.problems.get(host)?.reason, reason);
    const analysis = analyze(text, { maxFileSize: 1 << 20 });
    const online = collectDiagnostics(analysis, parseSettings({}), null, facts).filter((d) => d.code === 'registry-unreachable');
    assert.equal(online[0]?.message, `${reason.slice(0, -1)}, so this image was not checked.`);

    const invalid = await collectFacts(queriesOf(pod(host, ['HOST/team/bad:1'])), countingClient().client, { detail: 'digest' });
    assert.equal(invalid.problems.get(host)?.reason, `${host} sent an invalid digest in Docker-Content-Digest for manifest ${host}/team/bad:1.`);
  } finally {
    await hostile.stop();
  }
});

test('an aborted signal asks nothing and records nothing', async () => {
  front.resetRequests();
  const { client, calls } = countingClient();
  const controller = new AbortController();
  controller.abort();
  const facts = await collectFacts(queriesOf(pod(front.host, ['HOST/team/web:1.0.0'])), client, { signal: controller.signal });
  assert.deepEqual(calls, []);
  assert.equal(front.requests.length, 0);
  assert.equal(facts.manifests.size + facts.problems.size + facts.tags.size, 0);
});

test('at most `concurrency` questions are in flight', async () => {
  let running = 0;
  let peak = 0;
  const { client: inner } = countingClient();
  const client: RegistryClient = {
    ...inner,
    getManifest: async (ref, options) => {
      running++;
      peak = Math.max(peak, running);
      try {
        return await inner.getManifest(ref, options);
      } finally {
        running--;
      }
    },
  };
  const images = Array.from({ length: 12 }, (_, i) => `HOST/team/many:1.${i}.0`);
  const facts = await collectFacts(queriesOf(pod(registry.host, images)), client, { concurrency: 3, detail: 'digest' });
  assert.equal(facts.manifests.size, 12);
  assert.equal(peak, 3);
});

test('tags for completion: one listTags per repository', async () => {
  const { client, calls } = countingClient();
  const repository = { key: `${registry.host}/team/many`, registry: registry.host, path: 'team/many' };
  const facts = await collectTags(repository, client);
  assert.deepEqual(calls, [`tags ${registry.host}/team/many`]);
  assert.equal(facts.tags.get(repository.key)?.tags.length, 40);
  assert.equal(facts.tags.get(repository.key)?.stale, false);
});

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}

/** Only pull-would-fail, at its default severity. */
const PULL_ONLY = parseSettings({ diagnostics: Object.fromEntries(DIAGNOSTIC_CODES.map((code) => [code, code === 'pull-would-fail' ? 'warning' : 'off'])) });

/** The requests a front saw that carried no Authorization: what an anonymous probe sends. */
function anonymousRequests(server: MisbehavingServer): string[] {
  return server.requests.filter((r) => r.headers.authorization === undefined && r.path !== '/v2/').map((r) => `${r.method} ${r.path}`);
}

test('anonymous pulls, token registry: probed only for found images whose pod spec has no imagePullSecrets, once per repository', async () => {
  const host = tokenFront.host;
  const text = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `        - {name: a, image: ${host}/private/app:v1}`,
    `        - {name: b, image: ${host}/private/app:v1}`,
    `        - {name: c, image: ${host}/public/tool:v1}`,
    `        - {name: d, image: ${host}/private/app:9.9}`,
    `        - {name: e, image: ${host}/private/never:v1, imagePullPolicy: Never}`,
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: with-secret',
    'spec:',
    '  imagePullSecrets:',
    '    - name: regcred',
    '  containers:',
    `    - {name: f, image: ${host}/private/other:v1}`,
    '',
  ].join('\n');
  const analysis = analyze(text, { maxFileSize: 1 << 20 });
  const alice = { auths: { [host]: { auth: basic('alice', 'alice-password') } } };

  // Without anonymous-pull queries nothing is probed: the developer's credentials read every image.
  tokenFront.resetRequests();
  tokened.tokenServer!.resetRequests();
  const plain = countingClient(alice);
  const without = await collectFacts(factQueries(analysis), plain.client, { detail: 'digest' });
  assert.deepEqual(
    plain.calls.filter((call) => call.startsWith('anonymous')),
    [],
  );
  assert.equal(tokenFront.requests.filter((r) => r.method === 'HEAD').length, 5);
  assert.deepEqual(
    tokened.tokenServer!.requests.filter((r) => r.account === null),
    [],
  );
  assert.equal(without.anonymous.size, 0);
  assert.deepEqual(
    collectDiagnostics(analysis, PULL_ONLY, null, without).map((d) => text.slice(d.start, d.end)),
    [],
  );

  tokenFront.resetRequests();
  tokened.tokenServer!.resetRequests();
  const { client, calls } = countingClient(alice);
  const facts = await collectFacts(factQueries(analysis), client, { detail: 'digest', anonymousPull: anonymousPullQueries(analysis) });
  assert.deepEqual(calls.filter((call) => call.startsWith('anonymous')).sort(), [`anonymous ${host}/private/app v1`, `anonymous ${host}/public/tool v1`]);
  // A probe is a second HEAD of the same manifest, with an anonymous token; the rest are asked once.
  const heads = new Map<string, number>();
  for (const r of tokenFront.requests.filter((r) => r.method === 'HEAD')) heads.set(r.path, (heads.get(r.path) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries([...heads].sort()), {
    '/v2/private/app/manifests/9.9': 1,
    '/v2/private/app/manifests/v1': 2,
    '/v2/private/never/manifests/v1': 1,
    '/v2/private/other/manifests/v1': 1,
    '/v2/public/tool/manifests/v1': 2,
  });
  assert.deepEqual(
    tokened
      .tokenServer!.requests.filter((r) => r.account === null)
      .map((r) => r.scopes.join(' '))
      .sort(),
    ['repository:private/app:pull', 'repository:public/tool:pull'],
  );
  assert.deepEqual(Object.fromEntries(facts.anonymous), {
    [`${host}/private/app`]: { allowed: false, stale: false },
    [`${host}/public/tool`]: { allowed: true, stale: false },
  });

  const pulls = collectDiagnostics(analysis, PULL_ONLY, null, facts);
  assert.deepEqual(
    pulls.map((d) => text.slice(d.start, d.end)),
    [`${host}/private/app:v1`, `${host}/private/app:v1`],
  );
  assert.equal(
    pulls[0].message,
    `${host} refuses anonymous pulls of private/app and this pod spec has no imagePullSecrets, so a node without its own credentials fails to pull "${host}/private/app:v1".`,
  );
});

test('anonymous pulls, Basic registry: found with the docker config, refused without it', async () => {
  const host = lockedFront.host;
  const text = pod(host, ['HOST/team/secret:1.0']);
  const analysis = analyze(text, { maxFileSize: 1 << 20 });
  lockedFront.resetRequests();
  const { client } = countingClient({ auths: { [host]: { auth: basic('admin', 'admin-password') } } });
  const facts = await collectFacts(factQueries(analysis), client, { detail: 'digest', anonymousPull: anonymousPullQueries(analysis) });
  assert.equal(facts.manifests.get(`${host}/team/secret:1.0`)?.status, 'found');
  assert.deepEqual(facts.anonymous.get(`${host}/team/secret`), { allowed: false, stale: false });
  assert.deepEqual(anonymousRequests(lockedFront), ['HEAD /v2/team/secret/manifests/1.0']);
  assert.equal(collectDiagnostics(analysis, PULL_ONLY, null, facts).length, 1);
  // With imagePullSecrets there is nothing to probe, and no finding.
  const withSecret = analyze(text.replace('spec:\n  containers:', 'spec:\n  imagePullSecrets:\n    - name: regcred\n  containers:'), { maxFileSize: 1 << 20 });
  assert.deepEqual(anonymousPullQueries(withSecret), []);
});
