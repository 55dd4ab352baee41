/**
 * The Sigstore libraries are loaded only when a Sigstore bundle is to be verified (signatures/keyless.ts): a
 * verifier that trusts keyless signers but meets only other signatures leaves them unloaded, the first bundle loads
 * them. This file imports nothing else that loads them, so Node's module cache tells.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReferrerFact, ReferrerLayerFact } from '../../server/src/core';
import { createSignatureVerifier } from '../../server/src/signatures';

const SUBJECT = `sha256:${'a'.repeat(64)}`;

function sigstoreLoaded(): string[] {
  return Object.keys(require.cache).filter((path) => /[\\/]@sigstore[\\/]/.test(path));
}

function signature(layer: ReferrerLayerFact): ReferrerFact {
  return {
    digest: `sha256:${'b'.repeat(64)}`,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: null,
    kind: 'signature',
    contents: [{ kind: 'signature', format: 'cosign' }],
    subject: SUBJECT,
    annotations: {},
    source: 'referrers-tag',
    repository: 'ghcr.io/org/app',
    layers: [layer],
  };
}

test('the Sigstore libraries load on the first bundle to verify, not before', () => {
  assert.deepEqual(sigstoreLoaded(), [], 'not loaded by importing the verifier');
  const verify = createSignatureVerifier(
    { keys: {}, identities: { 'ghcr.io/org/*': [{ subject: 'dev@example.com', issuer: 'https://accounts.google.com' }] }, trustedRoot: null },
    '.',
  );
  const simpleSigning = { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: SUBJECT, size: 2, annotations: {}, payload: 'e30=' };
  assert.deepEqual(verify(signature(simpleSigning), 'ghcr.io/org/app'), { status: 'unverified', reason: 'no key is trusted for this repository' });
  assert.deepEqual(sigstoreLoaded(), [], 'not loaded for a cosign simple-signing signature');
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    digest: SUBJECT,
    size: 1,
    annotations: {},
    payload: Buffer.from('{').toString('base64'),
  };
  assert.deepEqual(verify(signature(bundle), 'ghcr.io/org/app'), { status: 'invalid', reason: 'the bundle is not JSON' });
  assert.ok(
    sigstoreLoaded().some((path) => /[\\/]@sigstore[\\/]verify[\\/]/.test(path)),
    'loaded for a bundle',
  );
});
