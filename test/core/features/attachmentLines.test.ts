/**
 * attachmentLines: the hover's line about what is attached, one part per kind, for an image and an index whose
 * platforms agree or differ; nothing when the referrers were not asked; the reason when they could not be listed.
 * referrersOf leaves out referrers naming invalid digests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { referrersOf } from '../../../server/src/core/facts';
import type { ReferrerFact, ReferrersAnswer } from '../../../server/src/core/facts';
import { attachmentLines } from '../../../server/src/core/features/attachmentLines';
import { parseReference } from '../../../server/src/core/reference/reference';
import { found, foundIndex, registryFacts } from '../../helpers/facts';

const D = (n: number): string => `sha256:${String(n).repeat(64)}`;
const REF = parseReference('ghcr.io/org/app:v1');
if (!REF.ok) throw new Error('bad reference');
const ref = REF.value;

function referrer(digest: string, subject: string, kind: ReferrerFact['kind'], contents: ReferrerFact['contents'], created?: string): ReferrerFact {
  return {
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: null,
    kind,
    contents,
    subject,
    annotations: {},
    ...(created ? { created } : {}),
    source: 'referrers-api',
    repository: 'ghcr.io/org/app',
  };
}

function foundReferrers(referrers: readonly ReferrerFact[], stale = false): ReferrersAnswer {
  return { status: 'found', referrers, discovery: 'referrers-api', notes: [], stale };
}

const signature = (subject: string) => referrer(D(7), subject, 'signature', [{ kind: 'signature', format: 'cosign keyless (bundle)' }], '2026-11-02T10:00:00Z');
const buildkit = (digest: string, subject: string) =>
  referrer(digest, subject, 'attestation', [
    { kind: 'sbom', format: 'SPDX', predicateType: 'https://spdx.dev/Document' },
    { kind: 'provenance', format: 'SLSA v1', predicateType: 'https://slsa.dev/provenance/v1' },
  ]);

test('a single-platform image: one part per kind, the newest signature day', () => {
  const facts = registryFacts({
    manifests: { 'ghcr.io/org/app:v1': found(D(1)) },
    referrers: { [`ghcr.io/org/app@${D(1)}`]: foundReferrers([signature(D(1)), buildkit(D(8), D(1))]) },
  });
  assert.deepEqual(attachmentLines(ref, facts), ['**Attached**: signed: cosign keyless (bundle), 2026-11-02 · SBOM: SPDX · provenance: SLSA v1', '']);
});

test('a checked signature says which trusted key verified it, or why none did', () => {
  const keyed = (verification: ReferrerFact['verification']): ReferrerFact => ({
    ...referrer(D(7), D(1), 'signature', [{ kind: 'signature', format: 'cosign key' }]),
    ...(verification ? { verification } : {}),
  });
  const line = (verification: ReferrerFact['verification']): string =>
    attachmentLines(
      ref,
      registryFacts({ manifests: { 'ghcr.io/org/app:v1': found(D(1)) }, referrers: { [`ghcr.io/org/app@${D(1)}`]: foundReferrers([keyed(verification)]) } }),
    )[0];
  assert.equal(line({ status: 'verified', key: 'ci-2026' }), '**Attached**: signed: cosign (key ci-2026) ✓ verified');
  assert.equal(
    line({ status: 'invalid', reason: 'no trusted key (ci-2026) verifies it' }),
    '**Attached**: signed: cosign key ✗ not verified: no trusted key (ci-2026) verifies it',
  );
  assert.equal(line(undefined), '**Attached**: signed: cosign key');
});

test('a keyless bundle verified says who signed it via which issuer, as inline code', () => {
  const line = (format: string, verification: ReferrerFact['verification']): string =>
    attachmentLines(
      ref,
      registryFacts({
        manifests: { 'ghcr.io/org/app:v1': found(D(1)) },
        referrers: {
          [`ghcr.io/org/app@${D(1)}`]: foundReferrers([
            { ...referrer(D(7), D(1), 'signature', [{ kind: 'signature', format }]), ...(verification ? { verification } : {}) },
          ]),
        },
      }),
    )[0];
  const workflow = 'https://github.com/org/app/.github/workflows/release.yml@refs/heads/main';
  const actions = 'https://token.actions.githubusercontent.com';
  assert.equal(
    line('cosign keyless (bundle)', { status: 'verified', subject: workflow, issuer: actions }),
    `**Attached**: signed: cosign keyless (bundle) ✓ verified: \`${workflow}\` via \`${actions}\``,
  );
  assert.equal(
    line('cosign (bundle)', { status: 'verified', subject: 'a`b@example.com', issuer: actions }),
    `**Attached**: signed: cosign keyless (bundle) ✓ verified: \`a'b@example.com\` via \`${actions}\``,
  );
  assert.equal(
    line('cosign keyless (bundle)', { status: 'invalid', reason: `it is signed by x via ${actions}, but the trusted signers are y via ${actions}` }),
    `**Attached**: signed: cosign keyless (bundle) ✗ not verified: it is signed by x via ${actions}, but the trusted signers are y via ${actions}`,
  );
});

test('nothing attached says no signature was found; not asked says nothing; a failure says why', () => {
  const manifests = { 'ghcr.io/org/app:v1': found(D(1)) };
  assert.deepEqual(attachmentLines(ref, registryFacts({ manifests, referrers: { [`ghcr.io/org/app@${D(1)}`]: foundReferrers([]) } })), [
    '**Attached**: no signature found',
    '',
  ]);
  assert.deepEqual(attachmentLines(ref, registryFacts({ manifests })), []);
  const failed: ReferrersAnswer = { status: 'failed', reason: 'ghcr.io refused access: denied (tried anonymous).' };
  assert.deepEqual(attachmentLines(ref, registryFacts({ manifests, referrers: { [`ghcr.io/org/app@${D(1)}`]: failed } })), [
    '**Attached**: not known: ghcr.io refused access: denied (tried anonymous).',
    '',
  ]);
});

test('an index signed on the index, with the same attestations on each platform: one line', () => {
  const platforms = [
    { os: 'linux', architecture: 'amd64', digest: D(2), size: 500 },
    { os: 'linux', architecture: 'arm64', digest: D(3), size: 500 },
  ];
  const facts = registryFacts({
    manifests: { 'ghcr.io/org/app:v1': foundIndex(D(1), platforms) },
    referrers: {
      [`ghcr.io/org/app@${D(1)}`]: foundReferrers([signature(D(1))]),
      [`ghcr.io/org/app@${D(2)}`]: foundReferrers([buildkit(D(4), D(2))]),
      [`ghcr.io/org/app@${D(3)}`]: foundReferrers([buildkit(D(5), D(3))], true),
    },
  });
  assert.deepEqual(attachmentLines(ref, facts), [
    '**Attached**: signed: cosign keyless (bundle), 2026-11-02 · each platform: SBOM: SPDX · provenance: SLSA v1',
    '',
  ]);
});

test('platforms that differ get a line each', () => {
  const platforms = [
    { os: 'linux', architecture: 'amd64', digest: D(2), size: 500 },
    { os: 'linux', architecture: 'arm', variant: 'v7', digest: D(3), size: 500 },
  ];
  const facts = registryFacts({
    manifests: { 'ghcr.io/org/app:v1': foundIndex(D(1), platforms) },
    referrers: {
      [`ghcr.io/org/app@${D(1)}`]: foundReferrers([]),
      [`ghcr.io/org/app@${D(2)}`]: foundReferrers([buildkit(D(4), D(2))]),
      [`ghcr.io/org/app@${D(3)}`]: foundReferrers([]),
    },
  });
  assert.deepEqual(attachmentLines(ref, facts), [
    '**Attached**: no signature found',
    '- `linux/amd64`: SBOM: SPDX · provenance: SLSA v1',
    '- `linux/arm/v7`: nothing',
    '',
  ]);
});

test('referrersOf leaves out referrers whose digest or subject is not a digest', () => {
  const bad = { ...signature(D(1)), digest: 'sha256:../../x' };
  const facts = registryFacts({ referrers: { [`ghcr.io/org/app@${D(1)}`]: foundReferrers([bad, buildkit(D(4), D(1))]) } });
  const answer = referrersOf(facts, ref, D(1));
  assert.deepEqual(answer?.status === 'found' && answer.referrers.map((r) => r.digest), [D(4)]);
});
