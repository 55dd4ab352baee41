/**
 * recognizeArtifact: every format the referrers lookup meets, from what its descriptor (and, for manifests read
 * whole, its layers) says, with the rule each follows; and predicate types by prefix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predicateContent, recognizeArtifact } from '../../../server/src/core/attachments/recognize';
import type { ArtifactDescription } from '../../../server/src/core/attachments/recognize';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function described(more: Partial<ArtifactDescription>): ArtifactDescription {
  return { mediaType: MANIFEST, annotations: {}, ...more };
}

function summary(description: ArtifactDescription): string {
  const recognized = recognizeArtifact(description);
  return `${recognized.kind}: ${recognized.contents.map((content) => content.format).join(' + ')}${recognized.created ? ` @ ${recognized.created}` : ''}`;
}

const simpleSigning = (annotations: Record<string, string>) => ({ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', annotations });

const cases: ReadonlyArray<readonly [string, ArtifactDescription, string]> = [
  [
    'a cosign .sig tag with a key',
    described({ configMediaType: 'application/vnd.oci.image.config.v1+json', layers: [simpleSigning({ 'dev.cosignproject.cosign/signature': 'MEUC' })] }),
    'signature: cosign key',
  ],
  [
    'a cosign .sig tag with a certificate and a Rekor bundle',
    described({
      layers: [
        simpleSigning({
          'dev.cosignproject.cosign/signature': 'MEUC',
          'dev.sigstore.cosign/certificate': '-----BEGIN CERTIFICATE-----',
          'dev.sigstore.cosign/bundle': JSON.stringify({ Payload: { integratedTime: 1793577600 } }),
        }),
      ],
    }),
    'signature: cosign keyless @ 2026-11-02T00:00:00Z',
  ],
  ['cosign in OCI 1.1 mode (descriptor only)', described({ artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }), 'signature: cosign'],
  [
    'a Sigstore bundle holding a message signature',
    described({
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.content': 'message-signature', 'org.opencontainers.image.created': '2026-11-02T10:00:00Z' },
    }),
    'signature: cosign (bundle) @ 2026-11-02T10:00:00Z',
  ],
  [
    "a Sigstore bundle of cosign's signing predicate",
    described({
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
    }),
    'signature: cosign (bundle)',
  ],
  [
    'a Sigstore bundle of a SLSA provenance',
    described({
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1' },
    }),
    'provenance: SLSA v1 (bundle)',
  ],
  [
    'a Sigstore bundle that does not say what it holds is not a signature',
    described({ artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }),
    'attestation: Sigstore bundle',
  ],
  ['Notation (descriptor only)', described({ artifactType: 'application/vnd.cncf.notary.signature' }), 'signature: Notation'],
  [
    'Notation with its COSE envelope read',
    described({ artifactType: 'application/vnd.cncf.notary.signature', layers: [{ mediaType: 'application/cose', annotations: {} }] }),
    'signature: Notation (COSE)',
  ],
  ['an SPDX SBOM', described({ artifactType: 'application/spdx+json' }), 'sbom: SPDX'],
  ['an SPDX tag-value SBOM', described({ artifactType: 'text/spdx' }), 'sbom: SPDX'],
  ['a CycloneDX SBOM (XML)', described({ artifactType: 'application/vnd.cyclonedx+xml' }), 'sbom: CycloneDX'],
  [
    "cosign's SBOM artifact with its CycloneDX layer",
    described({ artifactType: 'application/vnd.dev.cosign.artifact.sbom.v1+json', layers: [{ mediaType: 'application/vnd.cyclonedx+json', annotations: {} }] }),
    'sbom: CycloneDX',
  ],
  ["cosign's SBOM artifact (descriptor only)", described({ artifactType: 'application/vnd.dev.cosign.artifact.sbom.v1+json' }), 'sbom: SBOM (cosign)'],
  ['a cosign .sbom tag', described({ layers: [{ mediaType: 'text/spdx', annotations: {} }] }), 'sbom: SPDX'],
  ['a SARIF report', described({ artifactType: 'application/sarif+json' }), 'vulnerability-report: SARIF'],
  [
    'a cosign .att tag of a SLSA v0.2 provenance and a vulnerability scan',
    described({
      layers: [
        { mediaType: 'application/vnd.dsse.envelope.v1+json', annotations: { predicateType: 'https://slsa.dev/provenance/v0.2' } },
        { mediaType: 'application/vnd.dsse.envelope.v1+json', annotations: { predicateType: 'https://cosign.sigstore.dev/attestation/vuln/v1' } },
      ],
    }),
    'attestation: SLSA v0.2 + cosign vuln',
  ],
  [
    'a BuildKit attestation manifest with an SPDX SBOM and a provenance',
    described({
      configMediaType: 'application/vnd.oci.image.config.v1+json',
      layers: [
        { mediaType: 'application/vnd.in-toto+json', annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } },
        { mediaType: 'application/vnd.in-toto+json', annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } },
      ],
    }),
    'attestation: SPDX + SLSA v0.2',
  ],
  [
    'a BuildKit attestation manifest with provenance only',
    described({ layers: [{ mediaType: 'application/vnd.in-toto+json', annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v1' } }] }),
    'provenance: SLSA v1',
  ],
  ['a DSSE artifact without a predicate', described({ artifactType: 'application/vnd.dsse.envelope.v1+json' }), 'attestation: in-toto'],
  ['an image manifest with a subject and nothing known', described({ artifactType: 'application/vnd.oci.image.config.v1+json' }), 'other: '],
  ['an artifact type with parameters', described({ artifactType: 'application/spdx+json; charset=utf-8' }), 'sbom: SPDX'],
];

for (const [name, description, expected] of cases) {
  test(`recognises ${name}`, () => assert.equal(summary(description), expected));
}

test('predicate types are read by prefix, versions kept where they say something', () => {
  assert.deepEqual(
    [
      'https://spdx.dev/Document/v2.3',
      'https://cyclonedx.org/bom/v1.5',
      'https://slsa.dev/provenance/v0.1',
      'https://in-toto.io/attestation/vulns/v0.2',
      'https://openvex.dev/ns/v0.2.0',
      'https://example.com/custom/v1',
    ].map((predicate) => `${predicateContent(predicate).kind} ${predicateContent(predicate).format}`),
    [
      'sbom SPDX',
      'sbom CycloneDX',
      'provenance SLSA v0.1',
      'vulnerability-report in-toto vulns',
      'vulnerability-report OpenVEX',
      'attestation https://example.com/custom/v1',
    ],
  );
});

test('a Rekor bundle annotation that is not JSON, or has no sane time, gives no date', () => {
  for (const bundle of ['not json', JSON.stringify({ Payload: { integratedTime: 'soon' } }), JSON.stringify({ Payload: { integratedTime: 1e15 } })]) {
    const recognized = recognizeArtifact(described({ layers: [simpleSigning({ 'dev.sigstore.cosign/bundle': bundle })] }));
    assert.equal(recognized.created, undefined);
    assert.equal(recognized.kind, 'signature');
  }
});
