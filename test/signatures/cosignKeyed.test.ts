/**
 * Keyed cosign signatures verified against the keys the user trusts, on a real registry (distribution 2.8.2 on
 * loopback): each signature is made in the test as cosign makes it (sigstore/cosign specs/SIGNATURE_SPEC.md: the
 * simple-signing payload blob, its base64 signature in the layer annotation `dev.cosignproject.cosign/signature`)
 * with ECDSA P-256, Ed25519 and RSA keys generated here, in cosign's `.sig` tag and as an OCI 1.1 artifact
 * (`application/vnd.dev.cosign.artifact.sig.v1+json`, found through the referrers tag schema). Hostile
 * signatures (another digest in the payload, bad base64, a payload past the bound, no JSON) are refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReferrerFact, TrustedKey } from '../../server/src/core';
import { collectReferrers } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient } from '../../server/src/registry';
import { createSignatureVerifier } from '../../server/src/signatures';
import {
  cosignSignature,
  proxy,
  pushArtifact,
  pushCosignTag,
  pushImage,
  putReferrersTag,
  simpleSigningLayer,
  simpleSigningPayload,
  startMisbehavingServer,
  startRegistry,
  TYPES,
} from '../helpers/registry';
import type { MisbehavingServer, RunningRegistry } from '../helpers/registry';
import { blobOf } from '../helpers/registry/images';

let registry: RunningRegistry;
let front: MisbehavingServer;
let home: string;
const clients: RegistryClient[] = [];

const ecdsa = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function pem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

before(async () => {
  registry = await startRegistry();
  front = await startMisbehavingServer(proxy(registry));
  home = mkdtempSync(join(tmpdir(), 'image-aware-verify-'));
});

after(async () => {
  for (const client of clients) client.close();
  await front?.stop();
  await registry?.stop();
  rmSync(home, { recursive: true, force: true });
});

/** A client of its own; with `cacheDir`, one keeping its answers on disk there. */
function client(cacheDir?: string): RegistryClient {
  const env = { HOME: mkdtempSync(join(home, 'client-')), PATH: process.env.PATH };
  const created = createRegistryClient({ env, fetchTimeoutMs: 5000, maxRetries: 0, ...(cacheDir === undefined ? {} : { cacheDir }) });
  clients.push(created);
  return created;
}

/** The signatures found for repo@digest, each with its verification, with these keys trusted for `pattern`. */
async function signatures(
  repo: string,
  digest: string,
  keys: readonly TrustedKey[],
  pattern = `${front.host}/${repo}`,
  asking = client(),
): Promise<ReferrerFact[]> {
  const verify = createSignatureVerifier({ keys: { [pattern]: keys }, identities: {}, trustedRoot: null }, home);
  const key = `${front.host}/${repo}@${digest}`;
  const facts = await collectReferrers([{ key, registry: front.host, path: repo, digest }], asking, { verify });
  const answer = facts.referrers.get(key);
  assert.equal(answer?.status, 'found', JSON.stringify(answer));
  return answer.status === 'found' ? answer.referrers.filter((referrer) => referrer.kind === 'signature') : [];
}

async function signedTag(repo: string, key: KeyObject): Promise<string> {
  const image = await pushImage(registry, repo, 'v1');
  await pushCosignTag(registry, repo, image.digest, 'sig', [simpleSigningLayer(`${registry.host}/${repo}`, image.digest, key)]);
  return image.digest;
}

for (const [scheme, pair] of [
  ['ECDSA P-256', ecdsa],
  ['Ed25519', ed25519],
  ['RSA 2048', rsa],
] as const) {
  test(`a ${scheme} signature in cosign's .sig tag is verified by the key trusted for the repository`, async () => {
    const repo = `keyed/${scheme.replace(/\W/g, '').toLowerCase()}`;
    const digest = await signedTag(repo, pair.privateKey);
    const [signature] = await signatures(repo, digest, [
      { name: 'old', key: pem(other.publicKey) },
      { name: 'ci-2026', key: pem(pair.publicKey) },
    ]);
    assert.deepEqual(signature.verification, { status: 'verified', key: 'ci-2026' });
    assert.ok(
      signature.layers?.every((layer) => layer.payload === undefined),
      'the payloads are dropped once verified',
    );
  });
}

test('payloads are cached for good with the referrers: another client on the same cache verifies without a request', async () => {
  const digest = await signedTag('keyed/cached', ecdsa.privateKey);
  const shared = mkdtempSync(join(home, 'shared-'));
  const trusted = [{ name: 'ci', key: pem(ecdsa.publicKey) }];
  front.resetRequests();
  const [first] = await signatures('keyed/cached', digest, trusted, undefined, client(shared));
  const blobs = front.requests.filter((request) => request.path.includes('/blobs/')).length;
  assert.equal(blobs, 1, 'one payload blob read');
  front.resetRequests();
  const [again] = await signatures('keyed/cached', digest, trusted, undefined, client(shared));
  assert.deepEqual(
    [first.verification, again.verification],
    [
      { status: 'verified', key: 'ci' },
      { status: 'verified', key: 'ci' },
    ],
  );
  assert.deepEqual(
    front.requests.map((request) => request.path),
    [],
  );
});

test('a signature no trusted key made is invalid, and names the keys tried', async () => {
  const digest = await signedTag('keyed/untrusted', ecdsa.privateKey);
  const [signature] = await signatures('keyed/untrusted', digest, [{ name: 'release', key: pem(other.publicKey) }]);
  assert.deepEqual(signature.verification, { status: 'invalid', reason: 'no trusted key (release) verifies it' });
});

test('without a key trusted for the repository, a signature is not verified at all', async () => {
  const digest = await signedTag('keyed/nobody', ecdsa.privateKey);
  const [signature] = await signatures('keyed/nobody', digest, [{ name: 'ci', key: pem(ecdsa.publicKey) }], `${front.host}/elsewhere/*`);
  assert.equal(signature.verification, undefined);
});

test('a key file named relative to the base directory is read; a P-384 key or a missing file says why it cannot verify', async () => {
  writeFileSync(join(home, 'ci.pub'), pem(ecdsa.publicKey));
  const digest = await signedTag('keyed/file', ecdsa.privateKey);
  const [fromFile] = await signatures('keyed/file', digest, [{ name: 'ci-file', key: 'ci.pub' }]);
  assert.deepEqual(fromFile.verification, { status: 'verified', key: 'ci-file' });
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const [wrongCurve] = await signatures('keyed/file', digest, [{ name: 'p384', key: pem(p384.publicKey) }]);
  assert.deepEqual(wrongCurve.verification, { status: 'unverified', reason: 'the key p384 is an ECDSA key on secp384r1, not P-256' });
  const [missing] = await signatures('keyed/file', digest, [{ name: 'gone', key: 'missing.pub' }]);
  assert.equal(missing.verification?.status, 'unverified');
  assert.match((missing.verification as { reason: string }).reason, /^the key gone could not be read: ENOENT/);
});

test('an OCI 1.1 cosign signature artifact, found through the referrers tag schema, is read and verified', async () => {
  const repo = 'keyed/oci11';
  const image = await pushImage(registry, repo, 'v1');
  const subject = { digest: image.digest, mediaType: image.mediaType, size: image.size };
  const artifact = await pushArtifact(registry, repo, {
    subject,
    artifactType: TYPES.cosignSignature,
    layers: [simpleSigningLayer(`${registry.host}/${repo}`, image.digest, ed25519.privateKey)],
  });
  await putReferrersTag(registry, repo, image.digest, [artifact]);
  const [signature] = await signatures(repo, image.digest, [{ name: 'ed', key: pem(ed25519.publicKey) }]);
  assert.equal(signature.source, 'referrers-tag');
  assert.deepEqual(signature.verification, { status: 'verified', key: 'ed' });
});

test('hostile signatures: another digest in the payload, bad base64, no JSON and a payload past the bound are refused', async () => {
  const repo = 'keyed/hostile';
  const image = await pushImage(registry, repo, 'v1');
  const elsewhere = await pushImage(registry, repo, 'v2', { layers: 2 });
  const cases: Array<[string, Buffer, (payload: Buffer) => string, string, RegExp]> = [
    [
      'another digest',
      simpleSigningPayload(repo, elsewhere.digest),
      (p) => cosignSignature(p, ecdsa.privateKey),
      'invalid',
      /^it signs sha256:\w+, not sha256:/,
    ],
    ['bad base64', simpleSigningPayload(repo, image.digest), () => '@@not base64@@', 'invalid', /annotation is missing or not base64/],
    ['no JSON', Buffer.from('not json'), (p) => cosignSignature(p, ecdsa.privateKey), 'invalid', /^the signed payload is not JSON$/],
    ['a huge payload', Buffer.alloc(200 * 1024, 0x20), (p) => cosignSignature(p, ecdsa.privateKey), 'unverified', /^its signed payload could not be read$/],
  ];
  for (const [what, payload, signWith, status, reason] of cases) {
    const name = `${repo}-${what.replace(/\W/g, '').toLowerCase()}`;
    const tagged = await pushImage(registry, name, 'v1');
    const layer = { blob: blobOf(TYPES.simpleSigning, payload), annotations: { 'dev.cosignproject.cosign/signature': signWith(payload) } };
    await pushCosignTag(registry, name, tagged.digest, 'sig', [layer]);
    const [signature] = await signatures(name, tagged.digest, [{ name: 'ci', key: pem(ecdsa.publicKey) }]);
    assert.equal(signature.verification?.status, status, `${what}: ${JSON.stringify(signature.verification)}`);
    assert.match((signature.verification as { reason: string }).reason, reason, what);
  }
});
