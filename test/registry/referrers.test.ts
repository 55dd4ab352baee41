/**
 * What refers to an image, read from a real registry (CNCF distribution 2.8.2 on loopback) by both discovery paths:
 * the OCI 1.1 referrers API (a referrers endpoint in front of the real registry, which lacks it) and, where the API
 * answers 404, the referrers tag schema on the real registry itself. Every format is pushed as its tool writes it
 * (test/helpers/registry/artifacts.ts): cosign signatures (legacy `.sig` tags, OCI 1.1 artifacts, Sigstore bundles),
 * cosign `.att` attestations, Notation signatures, SPDX and CycloneDX SBOMs, SARIF reports, and BuildKit attestation
 * manifests inside an index. Each is recognised by the core (toReferrerFact). Answers are cached for good.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toReferrerFact } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { ReferrerInfo, RegistryClient, RegistryClientOptions } from '../../server/src/registry';
import {
  cosignTag,
  cyclonedxLayer,
  dsseLayer,
  notationLayer,
  pushArtifact,
  pushCosignTag,
  pushImage,
  pushIndex,
  putManifestBytes,
  putReferrersTag,
  sarifLayer,
  signingKey,
  sigstoreBundleLayer,
  simpleSigningLayer,
  spdxLayer,
  startMisbehavingServer,
  startReferrersServer,
  startRegistry,
  proxy,
  json,
  respond,
  TYPES,
} from '../helpers/registry';
import type { Handler, MisbehavingServer, PushedIndex, ReferrersServer, RunningRegistry, Subject } from '../helpers/registry';
import { rejectsWith } from '../helpers/registry/assertions';
import { createSigningFiles } from '../helpers/registry/certificates';

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const REKOR_TIME = 1_793_577_600; // 2026-11-02T00:00:00Z
const cleanups: Array<() => unknown> = [];
let registry: RunningRegistry;
let api: ReferrersServer;
const key = signingKey().privateKey;

before(async () => {
  registry = await startRegistry();
  api = await startReferrersServer(registry, { pageSize: 3 });
  cleanups.push(() => api.stop());
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await registry?.stop();
});

function temporaryDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-referrers-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function clientFor(options: RegistryClientOptions = {}): RegistryClient {
  const client = createRegistryClient({ env: { HOME: temporaryDir(), PATH: process.env.PATH }, fetchTimeoutMs: 5000, maxRetries: 0, ...options });
  cleanups.push(() => client.close());
  return client;
}

function subjectOf(index: PushedIndex): Subject {
  return { digest: index.digest, mediaType: index.mediaType, size: index.size };
}

/** What the core makes of each referrer: digest → kind and formats. */
function recognized(referrers: readonly ReferrerInfo[]): Map<string, { kind: string; formats: string[]; source: string; subject: string; created?: string }> {
  return new Map(
    referrers.map((info) => {
      const fact = toReferrerFact(info);
      return [
        info.digest,
        {
          kind: fact.kind,
          formats: fact.contents.map((content) => content.format),
          source: fact.source,
          subject: fact.subject,
          ...(fact.created ? { created: fact.created } : {}),
        },
      ];
    }),
  );
}

/** Pushes every OCI 1.1 format onto subject through target (the API server, or the registry itself). */
async function pushEveryFormat(target: { url: string }, repo: string, subject: Subject) {
  const reference = `${repo}@${subject.digest}`;
  return {
    cosign: await pushArtifact(target, repo, { subject, artifactType: TYPES.cosignSignature, layers: [simpleSigningLayer(reference, subject.digest, key)] }),
    bundle: await pushArtifact(target, repo, {
      subject,
      artifactType: TYPES.sigstoreBundle,
      layers: [sigstoreBundleLayer(subject.digest, key)],
      annotations: { 'dev.sigstore.bundle.content': 'message-signature', 'org.opencontainers.image.created': '2026-11-02T10:00:00Z' },
    }),
    slsaBundle: await pushArtifact(target, repo, {
      subject,
      artifactType: TYPES.sigstoreBundle,
      layers: [sigstoreBundleLayer(subject.digest, key)],
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
    }),
    notation: await pushArtifact(target, repo, {
      subject,
      artifactType: TYPES.notation,
      layers: [notationLayer(subject)],
      annotations: { 'io.cncf.notary.x509chain.thumbprint#S256': '["abc"]' },
    }),
    spdx: await pushArtifact(target, repo, { subject, artifactType: TYPES.spdx, layers: [spdxLayer('app')] }),
    cyclonedx: await pushArtifact(target, repo, { subject, artifactType: TYPES.cyclonedx, layers: [cyclonedxLayer()] }),
    sarif: await pushArtifact(target, repo, { subject, artifactType: TYPES.sarif, layers: [sarifLayer()] }),
  };
}

test('the referrers API: every OCI 1.1 format, cosign tags and BuildKit attestations of an index, each recognised', async () => {
  const index = await pushIndex(registry, 'api/app', 'v1', ['linux/amd64', 'linux/arm64'], { attestations: true });
  const subject = subjectOf(index);
  const pushed = await pushEveryFormat(api.target, 'api/app', subject);
  const certificate = createSigningFiles(temporaryDir()).certPem;
  await pushCosignTag(registry, 'api/app', index.digest, 'sig', [
    simpleSigningLayer(`${registry.host}/api/app`, index.digest, key, { certificatePem: certificate, rekorTime: REKOR_TIME }),
  ]);
  await pushCosignTag(registry, 'api/app', index.digest, 'att', [dsseLayer(index.digest, 'https://cyclonedx.org/bom/v1.5', key)]);

  const client = clientFor();
  const list = await client.listReferrers({ registry: api.host, path: 'api/app', reference: index.digest });
  assert.equal(list.discovery, 'referrers-api');
  assert.equal(list.subject, index.digest);
  assert.deepEqual(list.notes, []);
  const found = recognized(list.referrers);
  const fromApi = (kind: string, formats: string[], created?: string) => ({
    kind,
    formats,
    source: 'referrers-api',
    subject: index.digest,
    ...(created ? { created } : {}),
  });
  assert.deepEqual(found.get(pushed.cosign.digest), fromApi('signature', ['cosign']));
  assert.deepEqual(found.get(pushed.bundle.digest), fromApi('signature', ['cosign (bundle)'], '2026-11-02T10:00:00Z'));
  assert.deepEqual(found.get(pushed.slsaBundle.digest), fromApi('provenance', ['SLSA v1 (bundle)']));
  assert.deepEqual(found.get(pushed.notation.digest), fromApi('signature', ['Notation']));
  assert.deepEqual(found.get(pushed.spdx.digest), fromApi('sbom', ['SPDX']));
  assert.deepEqual(found.get(pushed.cyclonedx.digest), fromApi('sbom', ['CycloneDX']));
  assert.deepEqual(found.get(pushed.sarif.digest), fromApi('vulnerability-report', ['SARIF']));
  // The descriptors carry the artifact's annotations, as the API copies them from the manifests.
  const bundle = list.referrers.find((referrer) => referrer.digest === pushed.bundle.digest)!;
  assert.equal(bundle.artifactType, TYPES.sigstoreBundle);
  assert.equal(bundle.annotations['dev.sigstore.bundle.content'], 'message-signature');

  // cosign's tags, read whole: a keyless signature with its Rekor time, and a CycloneDX attestation.
  const tagged = list.referrers.filter((referrer) => referrer.source === 'cosign-tag');
  assert.deepEqual(tagged.map((referrer) => referrer.tag).sort(), [cosignTag(index.digest, 'att'), cosignTag(index.digest, 'sig')]);
  const sig = tagged.find((referrer) => referrer.tag?.endsWith('.sig'))!;
  assert.deepEqual(found.get(sig.digest), {
    kind: 'signature',
    formats: ['cosign keyless'],
    source: 'cosign-tag',
    subject: index.digest,
    created: '2026-11-02T00:00:00Z',
  });
  assert.equal(sig.layers?.[0].mediaType, TYPES.simpleSigning);
  const att = tagged.find((referrer) => referrer.tag?.endsWith('.att'))!;
  assert.deepEqual(found.get(att.digest), { kind: 'sbom', formats: ['CycloneDX'], source: 'cosign-tag', subject: index.digest });

  // BuildKit's attestation manifests refer to each platform's image, and hold an SBOM and a provenance.
  const attestations = list.referrers.filter((referrer) => referrer.source === 'attestation-manifest');
  assert.deepEqual(attestations.map((referrer) => referrer.subject).sort(), index.images.map((image) => image.digest).sort());
  for (const attestation of attestations) {
    assert.deepEqual(found.get(attestation.digest), {
      kind: 'attestation',
      formats: ['SPDX', 'SLSA v0.2'],
      source: 'attestation-manifest',
      subject: attestation.subject,
    });
  }
  assert.equal(list.referrers.length, 7 + 2 + 2);
});

test('a platform image: the referrers API is asked for its own digest, and a cosign signature made with a key is told apart', async () => {
  const image = await pushImage(api.target, 'api/single', 'v1');
  const subject = { digest: image.digest, mediaType: image.mediaType, size: image.size };
  await pushCosignTag(registry, 'api/single', image.digest, 'sig', [simpleSigningLayer('api/single', image.digest, key)]);
  const sbom = await pushArtifact(api.target, 'api/single', { subject, artifactType: TYPES.spdx, layers: [spdxLayer('single')] });
  const list = await clientFor().listReferrers({ registry: api.host, path: 'api/single', reference: image.digest });
  const found = recognized(list.referrers);
  assert.deepEqual(
    [...found.values()].map((entry) => `${entry.source} ${entry.kind} ${entry.formats.join('+')}`),
    ['referrers-api sbom SPDX', 'cosign-tag signature cosign key'],
  );
  assert.ok(found.has(sbom.digest));
});

test('the referrers tag schema on the real registry (its referrers API answers 404): every format from the tag index', async () => {
  const index = await pushIndex(registry, 'fallback/app', 'v1', ['linux/amd64']);
  const pushed = await pushEveryFormat(registry, 'fallback/app', subjectOf(index));
  await putReferrersTag(registry, 'fallback/app', index.digest, Object.values(pushed));
  const client = clientFor();
  const list = await client.listReferrers({ registry: registry.host, path: 'fallback/app', reference: index.digest });
  assert.equal(list.discovery, 'referrers-tag');
  assert.deepEqual(list.notes, []);
  const found = recognized(list.referrers);
  assert.deepEqual(
    Object.entries(pushed).map(([name, artifact]) => `${name}: ${found.get(artifact.digest)?.kind} ${found.get(artifact.digest)?.source}`),
    [
      'cosign: signature referrers-tag',
      'bundle: signature referrers-tag',
      'slsaBundle: provenance referrers-tag',
      'notation: signature referrers-tag',
      'spdx: sbom referrers-tag',
      'cyclonedx: sbom referrers-tag',
      'sarif: vulnerability-report referrers-tag',
    ],
  );
  // Annotations kept in the tag index reach the recognition (the bundle's content says it is a signature).
  assert.equal(found.get(pushed.bundle.digest)?.created, '2026-11-02T10:00:00Z');
});

test('an image with nothing attached: the API (or its 404 and no tag) lists none', async () => {
  const image = await pushImage(registry, 'plain/app', 'v1');
  const viaTag = await clientFor().listReferrers({ registry: registry.host, path: 'plain/app', reference: image.digest });
  assert.deepEqual({ discovery: viaTag.discovery, referrers: viaTag.referrers, notes: viaTag.notes }, { discovery: 'referrers-tag', referrers: [], notes: [] });
  const viaApi = await clientFor().listReferrers({ registry: api.host, path: 'plain/app', reference: image.digest });
  assert.deepEqual({ discovery: viaApi.discovery, referrers: viaApi.referrers }, { discovery: 'referrers-api', referrers: [] });
});

test('the artifactType filter: applied by the registry, by the client when the registry ignores it, and on the tag index', async () => {
  const image = await pushImage(registry, 'filter/app', 'v1');
  const subject = { digest: image.digest, mediaType: image.mediaType, size: image.size };
  const ignoring = await startReferrersServer(registry, { applyFilters: false });
  cleanups.push(() => ignoring.stop());
  const spdx = await pushArtifact(api.target, 'filter/app', { subject, artifactType: TYPES.spdx, layers: [spdxLayer('a')] });
  await pushArtifact(api.target, 'filter/app', { subject, artifactType: TYPES.notation, layers: [notationLayer(subject)] });
  // The same manifests pushed through the second server too, so it knows them.
  await pushArtifact(ignoring.target, 'filter/app', { subject, artifactType: TYPES.spdx, layers: [spdxLayer('a')] });
  await pushArtifact(ignoring.target, 'filter/app', { subject, artifactType: TYPES.notation, layers: [notationLayer(subject)] });
  const wanted = { artifactType: TYPES.spdx };

  api.resetRequests();
  const filtered = await clientFor().listReferrers({ registry: api.host, path: 'filter/app', reference: image.digest }, wanted);
  assert.deepEqual(
    filtered.referrers.map((referrer) => referrer.artifactType),
    [TYPES.spdx],
  );
  assert.ok(api.requests.some((request) => request.url.includes(`artifactType=${encodeURIComponent(TYPES.spdx)}`)));
  // With a filter, cosign tags and attestation manifests (which have no artifactType) are not looked up.
  assert.equal(api.requests.filter((request) => request.path.includes('/manifests/')).length, 0);

  const byClient = await clientFor().listReferrers({ registry: ignoring.host, path: 'filter/app', reference: image.digest }, wanted);
  assert.deepEqual(
    byClient.referrers.map((referrer) => referrer.digest),
    [spdx.digest],
  );

  const fromTag = await pushImage(registry, 'filter/tagged', 'v1');
  const tagSubject = { digest: fromTag.digest, mediaType: fromTag.mediaType, size: fromTag.size };
  const a = await pushArtifact(registry, 'filter/tagged', { subject: tagSubject, artifactType: TYPES.spdx, layers: [spdxLayer('b')] });
  const b = await pushArtifact(registry, 'filter/tagged', { subject: tagSubject, artifactType: TYPES.notation, layers: [notationLayer(tagSubject)] });
  await putReferrersTag(registry, 'filter/tagged', fromTag.digest, [a, b]);
  const tagged = await clientFor().listReferrers({ registry: registry.host, path: 'filter/tagged', reference: fromTag.digest }, wanted);
  assert.deepEqual(
    tagged.referrers.map((referrer) => referrer.digest),
    [a.digest],
  );
});

test('Link paging: five referrers on pages of three are read in two requests', async () => {
  const image = await pushImage(registry, 'paged/app', 'v1');
  const subject = { digest: image.digest, mediaType: image.mediaType, size: image.size };
  const pushed = [];
  for (let i = 0; i < 5; i++) pushed.push(await pushArtifact(api.target, 'paged/app', { subject, artifactType: TYPES.spdx, layers: [spdxLayer(`sbom-${i}`)] }));
  api.resetRequests();
  const list = await clientFor().listReferrers({ registry: api.host, path: 'paged/app', reference: image.digest });
  assert.deepEqual(list.referrers.map((referrer) => referrer.digest).sort(), pushed.map((artifact) => artifact.digest).sort());
  assert.equal(api.count(`/v2/paged/app/referrers/${image.digest}`), 2);
});

test('cached for good: a second lookup asks nothing, another client reads the disk cache, fresh asks again and sees new referrers', async () => {
  const image = await pushImage(registry, 'cached/app', 'v1');
  const subject = { digest: image.digest, mediaType: image.mediaType, size: image.size };
  await pushArtifact(api.target, 'cached/app', { subject, artifactType: TYPES.spdx, layers: [spdxLayer('first')] });
  const cacheDir = temporaryDir();
  const ref = { registry: api.host, path: 'cached/app', reference: image.digest };
  const first = clientFor({ cacheDir });
  api.resetRequests();
  const asked = await first.listReferrers(ref);
  assert.equal(asked.fromCache, false);
  const requests = api.count();
  assert.ok(requests > 0);
  const again = await first.listReferrers(ref);
  assert.equal(again.fromCache, true);
  assert.equal(api.count(), requests, 'a cached answer makes no request');
  const fromDisk = await clientFor({ cacheDir }).listReferrers(ref);
  assert.deepEqual({ fromCache: fromDisk.fromCache, referrers: fromDisk.referrers }, { fromCache: true, referrers: asked.referrers });
  assert.equal(api.count(), requests, 'the disk cache serves another client');

  const added = await pushArtifact(api.target, 'cached/app', { subject, artifactType: TYPES.notation, layers: [notationLayer(subject)] });
  assert.equal((await first.listReferrers(ref)).referrers.length, 1, 'cached for good: a new referrer is not seen without fresh');
  const fresh = await first.listReferrers(ref, { fresh: true });
  assert.ok(fresh.referrers.some((referrer) => referrer.digest === added.digest));
  assert.equal(fresh.fromCache, false);
});

test('a signature repository: cosign tags and referrers are read from another repository by the image digest', async () => {
  const image = await pushImage(registry, 'signed/app', 'v1');
  await pushImage(registry, 'signed/signatures', 'keep');
  await pushCosignTag(registry, 'signed/signatures', image.digest, 'sig', [simpleSigningLayer('signed/app', image.digest, key)]);
  const client = clientFor();
  const own = await client.listReferrers({ registry: registry.host, path: 'signed/app', reference: image.digest });
  assert.deepEqual(own.referrers, []);
  // The subject need not exist in the signature repository: only its digest names the tags.
  const elsewhere = await client.listReferrers({ registry: registry.host, path: 'signed/signatures', reference: image.digest });
  assert.equal(elsewhere.referrers.length, 1);
  assert.equal(elsewhere.referrers[0].repository, `${registry.host}/signed/signatures`);
  assert.equal(toReferrerFact(elsewhere.referrers[0]).kind, 'signature');
});

// ---- Hostile answers ----

/** A server in front of the real registry whose referrers route answers with handler. */
async function referrersAnswering(handler: Handler): Promise<MisbehavingServer> {
  const server = await startMisbehavingServer(proxy(registry));
  server.on(/\/referrers\//, handler);
  cleanups.push(() => server.stop());
  return server;
}

function indexOf(entries: readonly unknown[]): string {
  return JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries });
}

function entry(i: number): Record<string, unknown> {
  return { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${i.toString(16).padStart(64, '0')}`, size: 500, artifactType: TYPES.spdx };
}

test('hostile: a fallback tag naming the subject itself, an index of images, or an image manifest is no referrers list, with a note', async () => {
  const image = await pushImage(registry, 'hostile/self', 'v1');
  // A registry that resolves the digest-like tag to the subject: the tag holds the subject's own bytes.
  await putManifestBytes(registry, 'hostile/self', image.digest.replace(':', '-'), image.mediaType, image.manifest);
  const self = await clientFor().listReferrers({ registry: registry.host, path: 'hostile/self', reference: image.digest });
  assert.deepEqual(self.referrers, []);
  assert.equal(self.notes.length, 1);
  assert.match(self.notes[0], /names the image itself, not an index of its referrers/);

  const other = await pushImage(registry, 'hostile/index', 'v1');
  await pushIndex(registry, 'hostile/index', other.digest.replace(':', '-'), ['linux/amd64', 'linux/arm64']);
  const images = await clientFor().listReferrers({ registry: registry.host, path: 'hostile/index', reference: other.digest });
  assert.deepEqual(images.referrers, []);
  assert.match(images.notes.join(' '), /lists 2 entries that are no referrers \(no artifactType\), left out/);

  const third = await pushImage(registry, 'hostile/image', 'v1');
  await pushImage(registry, 'hostile/image', third.digest.replace(':', '-'));
  const manifest = await clientFor().listReferrers({ registry: registry.host, path: 'hostile/image', reference: third.digest });
  assert.deepEqual(manifest.referrers, []);
  assert.match(manifest.notes.join(' '), /holds no referrers index .*not an OCI image index/);
});

test('hostile: a referrers answer of the wrong media type, with an invalid digest, or a later page missing, is refused', async () => {
  const image = await pushImage(registry, 'hostile/api', 'v1');
  const ref = (server: MisbehavingServer) => ({ registry: server.host, path: 'hostile/api', reference: image.digest });
  const wrongType = await referrersAnswering(respond(200, JSON.stringify({ schemaVersion: 2, config: {}, layers: [] }), { 'Content-Type': image.mediaType }));
  await rejectsWith(clientFor().listReferrers(ref(wrongType)), 'INVALID_RESPONSE');
  const wrongBody = await referrersAnswering(json(200, { schemaVersion: 2, mediaType: image.mediaType, manifests: [] }));
  await rejectsWith(clientFor().listReferrers(ref(wrongBody)), 'INVALID_RESPONSE');
  const badDigest = await referrersAnswering(respond(200, indexOf([{ ...entry(1), digest: 'sha256:../../etc' }]), { 'Content-Type': OCI_INDEX }));
  const error = await rejectsWith(clientFor().listReferrers(ref(badDigest)), 'INVALID_RESPONSE');
  assert.doesNotMatch(error.message, /etc/);
  let calls = 0;
  const brokenPaging = await referrersAnswering((request, response) => {
    if (calls++ === 0)
      return respond(200, indexOf([entry(1)]), { 'Content-Type': OCI_INDEX, Link: `<${new URL(request.url!, 'http://x').pathname}?last=1>; rel="next"` })(
        request,
        response,
        Buffer.alloc(0),
      );
    return respond(404, 'gone')(request, response, Buffer.alloc(0));
  });
  await rejectsWith(clientFor().listReferrers(ref(brokenPaging)), 'MANIFEST_UNKNOWN');
});

test('hostile: too many referrers, too many bytes, endless pages and a Link loop are bounded', async () => {
  const image = await pushImage(registry, 'hostile/large', 'v1');
  const ref = (server: MisbehavingServer) => ({ registry: server.host, path: 'hostile/large', reference: image.digest });
  const many = await referrersAnswering(respond(200, indexOf(Array.from({ length: 1001 }, (_, i) => entry(i + 1))), { 'Content-Type': OCI_INDEX }));
  const tooMany = await rejectsWith(clientFor().listReferrers(ref(many)), 'TOO_LARGE');
  assert.match(tooMany.message, /1000 referrers/);
  await rejectsWith(clientFor({ referrersLimits: { maxBytes: 4096 } }).listReferrers(ref(many)), 'TOO_LARGE');

  let page = 0;
  const endless = await referrersAnswering((request, response) => {
    page++;
    return respond(200, indexOf([entry(page)]), { 'Content-Type': OCI_INDEX, Link: `</v2/hostile/large/referrers/${image.digest}?page=${page}>; rel="next"` })(
      request,
      response,
      Buffer.alloc(0),
    );
  });
  const pages = await rejectsWith(clientFor().listReferrers(ref(endless)), 'TOO_LARGE');
  assert.match(pages.message, /20 pages/);
  assert.equal(endless.count(`/v2/hostile/large/referrers/${image.digest}`), 20);

  const loop = await referrersAnswering(
    respond(200, indexOf([entry(7)]), { 'Content-Type': OCI_INDEX, Link: `</v2/hostile/large/referrers/${image.digest}>; rel="next"` }),
  );
  const looped = await clientFor().listReferrers(ref(loop));
  assert.deepEqual(
    looped.referrers.map((referrer) => referrer.digest),
    [entry(7).digest],
  );
  assert.equal(loop.count(`/v2/hostile/large/referrers/${image.digest}`), 1);
});

test('hostile: a referrers Link obeys the registry rules (plain HTTP only where allowed, only HTTP(S)), and paging is bounded in time', async () => {
  const image = await pushImage(registry, 'hostile/link', 'v1');
  const ref = (server: MisbehavingServer) => ({ registry: server.host, path: 'hostile/link', reference: image.digest });
  const linking = (target: string) => referrersAnswering(respond(200, indexOf([entry(1)]), { 'Content-Type': OCI_INDEX, Link: `<${target}>; rel="next"` }));
  const plain = await linking(`http://example.invalid/v2/hostile/link/referrers/${image.digest}`);
  const refused = await rejectsWith(clientFor().listReferrers(ref(plain)), 'TLS');
  assert.equal(refused.message, `${plain.host} linked to http://example.invalid, which is not HTTPS; the link was not followed`);
  const file = await linking('file:///etc/passwd');
  const notHttp = await rejectsWith(clientFor().listReferrers(ref(file)), 'INVALID_RESPONSE');
  assert.equal(notHttp.message, `${file.host} linked to a file: URL, which is not HTTP(S); the link was not followed`);

  // Each reading of the clock moves it on by 25 s: the third page would start past the 60 s a listing may take.
  let page = 0;
  const endless = await referrersAnswering((request, response) => {
    page++;
    const next = `</v2/hostile/link/referrers/${image.digest}?page=${page}>; rel="next"`;
    return respond(200, indexOf([entry(page)]), { 'Content-Type': OCI_INDEX, Link: next })(request, response, Buffer.alloc(0));
  });
  let time = 0;
  const late = await rejectsWith(clientFor({ now: () => (time += 25_000) }).listReferrers(ref(endless)), 'TIMEOUT');
  assert.match(late.message, /took more than 60 s to list the referrers of/);
  assert.equal(endless.count(`/v2/hostile/link/referrers/${image.digest}`), 2);
});
