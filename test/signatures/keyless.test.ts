/**
 * Keyless Sigstore bundle signatures verified against a trusted root and the signers the user trusts, on a real
 * registry (distribution 2.8.2 on loopback, the bundles found through the referrers tag schema). The bundles are
 * made as cosign pushes them (sigstore/cosign specs/BUNDLE_SPEC.md) by a Sigstore of the test's own from
 * @sigstore/mock: its Fulcio CA issues the certificate, its CT log the SCT, its Rekor log the entry, and its trusted
 * root is the one trusted (test/helpers/sigstoreMock.ts). No real Fulcio or Rekor is contacted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReferrerFact, TrustedIdentity } from '../../server/src/core';
import { collectReferrers } from '../../server/src/engine';
import { createRegistryClient } from '../../server/src/registry';
import type { RegistryClient } from '../../server/src/registry';
import { createSignatureVerifier } from '../../server/src/signatures';
import { publicGoodTrustedRoot } from '../../server/src/signatures/publicGoodRoot';
import { loadTrustedRoot } from '../../server/src/signatures/trustedRoot';
import { pushArtifact, pushImage, putReferrersTag, startRegistry, TYPES } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';
import { blobOf } from '../helpers/registry/images';
import { COSIGN_SIGN_PREDICATE, startMockSigstore } from '../helpers/sigstoreMock';
import type { KeylessSigner, MockSigstore } from '../helpers/sigstoreMock';

const CI: KeylessSigner = {
  subject: 'https://github.com/org/app/.github/workflows/release.yml@refs/heads/main',
  issuer: 'https://token.actions.githubusercontent.com',
};
const TRUSTED: TrustedIdentity[] = [{ subject: 'https://github.com/org/*', issuer: 'https://token.actions.githubusercontent.com' }];

let registry: RunningRegistry;
let sigstore: MockSigstore;
let home: string;
const clients: RegistryClient[] = [];

before(async () => {
  [registry, sigstore] = await Promise.all([startRegistry(), startMockSigstore()]);
  home = mkdtempSync(join(tmpdir(), 'image-aware-keyless-'));
  writeFileSync(join(home, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
});

after(async () => {
  for (const client of clients) client.close();
  await registry?.stop();
  rmSync(home, { recursive: true, force: true });
});

function client(): RegistryClient {
  const env = { HOME: mkdtempSync(join(home, 'client-')), PATH: process.env.PATH };
  const created = createRegistryClient({ env, fetchTimeoutMs: 5000, maxRetries: 0 });
  clients.push(created);
  return created;
}

/** Pushes an image and, as its signature, a bundle artifact of these bytes; returns the image digest. */
async function signedImage(
  repo: string,
  bundle: (digest: string) => Promise<Buffer>,
  annotations: Readonly<Record<string, string>> = { 'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE },
): Promise<string> {
  const image = await pushImage(registry, repo, 'v1');
  const artifact = await pushArtifact(registry, repo, {
    subject: { digest: image.digest, mediaType: image.mediaType, size: image.size },
    artifactType: TYPES.sigstoreBundle,
    layers: [{ blob: blobOf(TYPES.sigstoreBundle, await bundle(image.digest)) }],
    annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', ...annotations },
  });
  await putReferrersTag(registry, repo, image.digest, [artifact]);
  return image.digest;
}

async function bundleBy(digest: string, signer: KeylessSigner = CI, by: MockSigstore = sigstore): Promise<Buffer> {
  return Buffer.from(JSON.stringify(await by.signImage(digest, signer)));
}

/** The signature found for repo@digest with its verification, with these signers and this trusted root trusted. */
async function signature(
  repo: string,
  digest: string,
  identities: readonly TrustedIdentity[] = TRUSTED,
  trustedRoot: string | null = 'trusted_root.json',
): Promise<ReferrerFact> {
  const verify = createSignatureVerifier({ keys: {}, identities: { [`${registry.host}/${repo.split('/')[0]}/*`]: identities }, trustedRoot }, home);
  const key = `${registry.host}/${repo}@${digest}`;
  const facts = await collectReferrers([{ key, registry: registry.host, path: repo, digest }], client(), { verify });
  const answer = facts.referrers.get(key);
  assert.equal(answer?.status, 'found', JSON.stringify(answer));
  const signatures = answer.status === 'found' ? answer.referrers.filter((referrer) => referrer.kind === 'signature') : [];
  assert.equal(signatures.length, 1, JSON.stringify(answer));
  return signatures[0];
}

function reason(fact: ReferrerFact): string {
  return fact.verification !== undefined && 'reason' in fact.verification ? fact.verification.reason : JSON.stringify(fact.verification);
}

test('a keyless bundle whose certificate chains to the trusted root and names a trusted signer is verified, with who signed', async () => {
  const digest = await signedImage('keyless/good', (d) => bundleBy(d));
  const found = await signature('keyless/good', digest);
  assert.equal(found.source, 'referrers-tag');
  assert.deepEqual(found.verification, { status: 'verified', subject: CI.subject, issuer: CI.issuer });
  assert.ok(
    found.layers?.every((layer) => layer.payload === undefined),
    'the bundle is dropped once verified',
  );
});

test('a signer whose subject or whose issuer is not trusted for the repository is refused', async () => {
  const other = await signedImage('keyless/subject', (d) =>
    bundleBy(d, { subject: 'https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main', issuer: CI.issuer }),
  );
  const expected = `the trusted signers are https://github.com/org/* via ${CI.issuer}`;
  assert.deepEqual((await signature('keyless/subject', other)).verification, {
    status: 'invalid',
    reason: `it is signed by https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main via ${CI.issuer}, but ${expected}`,
  });
  const issuer = await signedImage('keyless/issuer', (d) => bundleBy(d, { subject: CI.subject, issuer: 'https://accounts.google.com' }));
  assert.deepEqual((await signature('keyless/issuer', issuer)).verification, {
    status: 'invalid',
    reason: `it is signed by ${CI.subject} via https://accounts.google.com, but ${expected}`,
  });
  const twoTrusted = [{ subject: 'dev@example.com', issuer: 'https://accounts.google.com' }, ...TRUSTED];
  assert.deepEqual((await signature('keyless/issuer', issuer, twoTrusted)).verification, {
    status: 'invalid',
    reason: `it is signed by ${CI.subject} via https://accounts.google.com, but the trusted signers are dev@example.com via https://accounts.google.com or https://github.com/org/* via ${CI.issuer}`,
  });
  const hostile = await signedImage('keyless/hostile-subject', (d) =>
    bundleBy(d, { subject: `https://github.com/org/x\n[link](https://evil)${'y'.repeat(600)}`, issuer: CI.issuer }),
  );
  const shown = await signature('keyless/hostile-subject', hostile);
  assert.equal(shown.verification?.status, 'verified', 'a pattern matches the field as the certificate has it');
  const printable = 'https://github.com/org/x?[link](https://evil)';
  assert.equal(shown.verification && 'subject' in shown.verification ? shown.verification.subject : '', `${printable}${'y'.repeat(512 - printable.length)}…`);
});

test('a valid bundle over another digest signs another image', async () => {
  const elsewhere = await pushImage(registry, 'keyless/elsewhere', 'v2', { layers: 2 });
  const digest = await signedImage('keyless/another', () => bundleBy(elsewhere.digest));
  const found = await signature('keyless/another', digest);
  assert.equal(found.verification?.status, 'invalid');
  assert.equal(reason(found), `it signs ${elsewhere.digest}, not ${digest}`);
});

test("a tampered signature, a signature by another key than the certificate's, a certificate from a CA the root does not name: refused", async () => {
  const tampered = await signedImage('keyless/tampered', async (d) => {
    const bundle = (await sigstore.signImage(d, CI)) as { dsseEnvelope: { signatures: { sig: string }[] } };
    const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64');
    sig[sig.length - 1] ^= 0xff;
    bundle.dsseEnvelope.signatures[0].sig = sig.toString('base64');
    return Buffer.from(JSON.stringify(bundle));
  });
  const bad = await signature('keyless/tampered', tampered);
  assert.equal(bad.verification?.status, 'invalid');
  assert.equal(reason(bad), 'it does not verify with the trusted root: tlog entry signature mismatch');
  const forged = await signedImage('keyless/forged', async (d) => Buffer.from(JSON.stringify(await sigstore.signImage(d, CI, true))));
  assert.equal(reason(await signature('keyless/forged', forged)), 'it does not verify with the trusted root: signature verification failed');
  const stranger = await startMockSigstore();
  const foreign = await signedImage('keyless/foreign', (d) => bundleBy(d, CI, stranger));
  const untrusted = await signature('keyless/foreign', foreign);
  assert.equal(untrusted.verification?.status, 'invalid');
  assert.equal(reason(untrusted), 'it does not verify with the trusted root: Failed to verify certificate chain');
});

test("without a trusted root set, Sigstore's public-good root shipped with the extension is the one trusted", async () => {
  const root = loadTrustedRoot(null, home);
  assert.ok('trust' in root, JSON.stringify(root));
  const publicGood = JSON.parse(publicGoodTrustedRoot()) as { tlogs: { baseUrl: string }[]; certificateAuthorities: { uri: string }[] };
  assert.ok(publicGood.tlogs.some((log) => log.baseUrl === 'https://rekor.sigstore.dev'));
  assert.ok(publicGood.certificateAuthorities.some((ca) => ca.uri === 'https://fulcio.sigstore.dev'));
  assert.equal(root.trust.certificateAuthorities.length, publicGood.certificateAuthorities.length);
  // The test's own CA is not public-good Fulcio: its certificate does not chain to the shipped root.
  const digest = await signedImage('keyless/public-good', (d) => bundleBy(d));
  assert.deepEqual((await signature('keyless/public-good', digest, TRUSTED, null)).verification, {
    status: 'invalid',
    reason: 'it does not verify with the trusted root: Failed to verify certificate chain',
  });
});

test('with a broken or oversized trusted root, a bundle is unverified and says why', async () => {
  const digest = await signedImage('keyless/roots', (d) => bundleBy(d));
  writeFileSync(join(home, 'broken.json'), '{"certificateAuthorities": "no list"');
  assert.match(reason(await signature('keyless/roots', digest, TRUSTED, 'broken.json')), /^the trusted root broken\.json could not be read: /);
  writeFileSync(join(home, 'empty.json'), '{}');
  assert.equal(reason(await signature('keyless/roots', digest, TRUSTED, 'empty.json')), 'the trusted root empty.json names no certificate authority');
  writeFileSync(join(home, 'huge.json'), Buffer.alloc(256 * 1024 + 1, 0x20));
  assert.equal(
    reason(await signature('keyless/roots', digest, TRUSTED, 'huge.json')),
    'the trusted root huge.json could not be read: huge.json is larger than 256 KiB, too large for a Sigstore trusted root',
  );
  mkdirSync(join(home, 'a-directory'));
  assert.equal(
    reason(await signature('keyless/roots', digest, TRUSTED, 'a-directory')),
    'the trusted root a-directory could not be read: a-directory is not a file',
  );
});

test('hostile bundles: past the size bound, not JSON, not a bundle, an envelope of something else', async () => {
  const cases: Array<[string, (digest: string) => Promise<Buffer>, string, RegExp]> = [
    ['huge', () => Promise.resolve(Buffer.alloc(256 * 1024 + 1, 0x20)), 'unverified', /^the bundle could not be read$/],
    ['not json', () => Promise.resolve(Buffer.from('{"mediaType":')), 'invalid', /^the bundle is not JSON$/],
    [
      'not a bundle',
      () => Promise.resolve(Buffer.from('{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}')),
      'invalid',
      /^it is no Sigstore bundle: /,
    ],
    [
      'not in-toto',
      async (d) => {
        const bundle = (await sigstore.signImage(d, CI)) as { dsseEnvelope: { payloadType: string } };
        bundle.dsseEnvelope.payloadType = 'text/plain';
        return Buffer.from(JSON.stringify(bundle));
      },
      'invalid',
      /^its envelope holds text\/plain, not an in-toto statement$/,
    ],
  ];
  for (const [what, bundle, status, expected] of cases) {
    const repo = `keyless/hostile-${what.replace(/\W/g, '')}`;
    const found = await signature(repo, await signedImage(repo, bundle));
    assert.equal(found.verification?.status, status, `${what}: ${JSON.stringify(found.verification)}`);
    assert.match(reason(found), expected, what);
  }
});

test('a bundle without its Rekor entry is refused: the library asks for one transparency-log entry and one timestamp', async () => {
  const digest = await signedImage('keyless/unlogged', async (d) => {
    const bundle = (await sigstore.signImage(d, CI)) as { verificationMaterial: { tlogEntries: unknown[] } };
    bundle.verificationMaterial.tlogEntries = [];
    return Buffer.from(JSON.stringify(bundle));
  });
  const found = await signature('keyless/unlogged', digest);
  assert.deepEqual(found.verification, { status: 'invalid', reason: 'it does not verify with the trusted root: expected 1 timestamps, got 0' });
});

test('a bundle past 256 KiB is not read past the bound, and the answer says why', async () => {
  const digest = await signedImage('keyless/oversize', () => Promise.resolve(Buffer.alloc(256 * 1024 + 1, 0x20)));
  const verify = createSignatureVerifier({ keys: {}, identities: { [`${registry.host}/keyless/*`]: TRUSTED }, trustedRoot: 'trusted_root.json' }, home);
  const key = `${registry.host}/keyless/oversize@${digest}`;
  const facts = await collectReferrers([{ key, registry: registry.host, path: 'keyless/oversize', digest }], client(), { verify });
  const answer = facts.referrers.get(key);
  assert.ok(answer?.status === 'found', JSON.stringify(answer));
  assert.deepEqual(answer.referrers[0].verification, { status: 'unverified', reason: 'the bundle could not be read' });
  assert.equal(answer.notes.length, 1, JSON.stringify(answer.notes));
  assert.match(
    answer.notes[0],
    new RegExp(`^The signature payload sha256:[0-9a-f]{64} could not be read \\(.* sent more than ${256 * 1024} bytes .*\\), so it is not verified\\.$`),
  );
});

test('a message-signature bundle over another digest is invalid; over this one it is unverified (its manifest bytes are not read)', async () => {
  const message = (digest: string): Buffer =>
    Buffer.from(
      JSON.stringify({
        mediaType: TYPES.sigstoreBundle,
        verificationMaterial: { certificate: { rawBytes: 'AA==' }, tlogEntries: [] },
        messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.from(digest.slice(7), 'hex').toString('base64') }, signature: 'AA==' },
      }),
    );
  const elsewhere = await pushImage(registry, 'keyless/message-elsewhere', 'v1', { layers: 2 });
  const annotations = { 'dev.sigstore.bundle.content': 'message-signature' };
  const other = await signedImage('keyless/message-other', () => Promise.resolve(message(elsewhere.digest)), annotations);
  assert.equal(reason(await signature('keyless/message-other', other)), `it signs ${elsewhere.digest}, not ${other}`);
  const same = await signedImage('keyless/message-same', (d) => Promise.resolve(message(d)), annotations);
  assert.deepEqual((await signature('keyless/message-same', same)).verification, {
    status: 'unverified',
    reason: "a message-signature bundle signs the manifest's bytes, which are not read to verify it",
  });
});

test('a repository no identity pattern names gets no verification; one with keys only says no keyless signer is trusted', async () => {
  const digest = await signedImage('unnamed/app', (d) => bundleBy(d));
  const nobody = createSignatureVerifier({ keys: {}, identities: { 'example.com/*': TRUSTED }, trustedRoot: 'trusted_root.json' }, home);
  const key = `${registry.host}/unnamed/app@${digest}`;
  const asked = await collectReferrers([{ key, registry: registry.host, path: 'unnamed/app', digest }], client(), { verify: nobody });
  const answer = asked.referrers.get(key);
  assert.ok(answer?.status === 'found' && answer.referrers.length === 1 && answer.referrers[0].verification === undefined, JSON.stringify(answer));
  const keysOnly = createSignatureVerifier({ keys: { [`${registry.host}/*`]: [{ name: 'ci', key: 'ci.pub' }] }, identities: {}, trustedRoot: null }, home);
  const keyed = await collectReferrers([{ key, registry: registry.host, path: 'unnamed/app', digest }], client(), { verify: keysOnly });
  const keyedAnswer = keyed.referrers.get(key);
  assert.ok(keyedAnswer?.status === 'found');
  assert.deepEqual(keyedAnswer.referrers[0].verification, { status: 'unverified', reason: 'no keyless signer is trusted for this repository' });
});
