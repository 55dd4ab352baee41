/**
 * `image-aware check --online` with the supply-chain policy of `.image-aware.yaml` (`signatures.require` and
 * `signatures.keys`), run as a real process against a real registry on loopback (distribution 2.8.2): a signature
 * made with the trusted key (cosign's `.sig` tag, sigstore/cosign specs/SIGNATURE_SPEC.md) passes, an unsigned
 * image is `unsigned-image`, one signed by another key `signature-invalid`, an image with an SPDX SBOM but no
 * provenance `no-provenance`; CI fails on them like on any finding. Without a policy nothing attached is asked.
 * Keyless: Sigstore bundles made by a Sigstore of the test's own (@sigstore/mock, test/helpers/sigstoreMock.ts)
 * verify against `signatures.trustedRoot` and `signatures.identities`; another signer is `signature-invalid`, and
 * without a trusted root the shipped public-good one refuses the test's CA.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushArtifact, pushCosignTag, pushImage, putReferrersTag, simpleSigningLayer, spdxLayer, TYPES } from '../helpers/registry';
import { blobOf } from '../helpers/registry/images';
import { COSIGN_SIGN_PREDICATE, startMockSigstore } from '../helpers/sigstoreMock';
import type { KeylessSigner } from '../helpers/sigstoreMock';
import { runCliAsync } from './runCli';
import { countingProxy, isolatedEnv, registryWith, temporaryDir } from './registrySetup';

interface JsonFinding {
  readonly line: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

function pod(images: readonly string[]): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
}

test('check --online reports what the repository file requires and the registry lacks, and fails CI on it', async (t) => {
  const registry = await registryWith();
  const front = await countingProxy(registry);
  const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signed = await pushImage(registry, 'policy/signed', 'v1');
  await pushCosignTag(registry, 'policy/signed', signed.digest, 'sig', [simpleSigningLayer('policy/signed', signed.digest, trusted.privateKey)]);
  await pushImage(registry, 'policy/unsigned', 'v1');
  const forged = await pushImage(registry, 'policy/forged', 'v1');
  await pushCosignTag(registry, 'policy/forged', forged.digest, 'sig', [simpleSigningLayer('policy/forged', forged.digest, stranger.privateKey)]);
  const sbom = await pushImage(registry, 'sbom/app', 'v1');
  const spdx = await pushArtifact(registry, 'sbom/app', {
    subject: { digest: sbom.digest, mediaType: sbom.mediaType, size: sbom.size },
    artifactType: TYPES.spdx,
    layers: [spdxLayer('app')],
  });
  await putReferrersTag(registry, 'sbom/app', sbom.digest, [spdx]);
  await pushImage(registry, 'free/app', 'v1');

  const host = front.host;
  const dir = temporaryDir();
  const images = [`${host}/policy/signed:v1`, `${host}/policy/unsigned:v1`, `${host}/policy/forged:v1`, `${host}/sbom/app:v1`, `${host}/free/app:v1`];
  writeFileSync(join(dir, 'pod.yaml'), pod(images));
  writeFileSync(join(dir, 'cosign.pub'), trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  const run = (): Promise<{ status: number | null; findings: JsonFinding[]; stderr: string }> =>
    runCliAsync(['check', '--online', '--format', 'json', '--severity', 'not-pinned=off', 'pod.yaml'], { cwd: dir, env: isolatedEnv().env }).then((r) => ({
      status: r.status,
      findings: (JSON.parse(r.stdout) as JsonFinding[]).filter((f) => f.code !== 'latest-tag'),
      stderr: r.stderr,
    }));

  front.resetRequests();
  const unasked = await run();
  t.diagnostic(`${front.requests.length} requests without a policy`);
  assert.equal(unasked.status, 0, unasked.stderr);
  assert.deepEqual(unasked.findings, []);
  assert.equal(front.requests.filter((request) => /sha256-|\/referrers\//.test(request.path)).length, 0, 'without a policy, nothing attached is asked for');

  writeFileSync(
    join(dir, '.image-aware.yaml'),
    [
      'signatures:',
      '  keys:',
      `    "${host}/policy/*":`,
      '      - name: ci-2026',
      '        key: cosign.pub',
      '  require:',
      `    "${host}/policy/*": [signature]`,
      `    "${host}/sbom/*": [sbom, provenance]`,
      '',
    ].join('\n'),
  );
  front.resetRequests();
  const checked = await run();
  assert.equal(checked.status, 1, checked.stderr);
  assert.deepEqual(
    checked.findings.map((f) => `${f.line} ${f.severity} ${f.code}`),
    ['10 warning unsigned-image', '12 error signature-invalid', '14 warning no-provenance'],
  );
  assert.equal(
    checked.findings[1].message,
    'No signature of the image this reference pulls verifies with the keys or signers trusted for its repository: no trusted key (ci-2026) verifies it.',
  );
  // Per image: the referrers API (404), the referrers tag and cosign's three tags; per signature, its payload blob.
  const paths = front.requests.map((request) => request.path);
  const payloads = paths.filter((path) => path.includes('/blobs/'));
  assert.deepEqual(payloads.map((path) => path.split('/')[3]).sort(), ['forged', 'signed']);
  t.diagnostic(`${front.requests.length} requests with the policy (${payloads.length} payload blobs)`);
});

test("check --online verifies keyless Sigstore bundles against the repository file's signers and trusted root", async () => {
  const registry = await registryWith();
  const sigstore = await startMockSigstore();
  const release = {
    subject: 'https://github.com/acme/web/.github/workflows/release.yml@refs/heads/main',
    issuer: 'https://token.actions.githubusercontent.com',
  };
  const bundled = async (repo: string, signer: KeylessSigner): Promise<void> => {
    const image = await pushImage(registry, repo, 'v1');
    const bundle = Buffer.from(JSON.stringify(await sigstore.signImage(image.digest, signer)));
    const artifact = await pushArtifact(registry, repo, {
      subject: { digest: image.digest, mediaType: image.mediaType, size: image.size },
      artifactType: TYPES.sigstoreBundle,
      layers: [{ blob: blobOf(TYPES.sigstoreBundle, bundle) }],
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': COSIGN_SIGN_PREDICATE },
    });
    await putReferrersTag(registry, repo, image.digest, [artifact]);
  };
  await bundled('keyless/web', release);
  await bundled('keyless/api', { ...release, subject: 'https://github.com/someone/else/.github/workflows/ci.yml@refs/heads/main' });

  const host = registry.host;
  const dir = temporaryDir();
  writeFileSync(join(dir, 'pod.yaml'), pod([`${host}/keyless/web:v1`, `${host}/keyless/api:v1`]));
  writeFileSync(join(dir, 'root.json'), JSON.stringify(sigstore.trustedRoot));
  const trusted = `https://github.com/acme/*/.github/workflows/release.yml@refs/heads/main`;
  writeFileSync(
    join(dir, '.image-aware.yaml'),
    [
      'signatures:',
      '  trustedRoot: root.json',
      '  identities:',
      `    "${host}/keyless/*":`,
      `      - subject: "${trusted}"`,
      `        issuer: ${release.issuer}`,
      '  require:',
      `    "${host}/keyless/*": [signature]`,
      '',
    ].join('\n'),
  );
  const run = async (): Promise<{ status: number | null; findings: JsonFinding[]; stderr: string }> => {
    const r = await runCliAsync(['check', '--online', '--format', 'json', '--severity', 'not-pinned=off', 'pod.yaml'], { cwd: dir, env: isolatedEnv().env });
    return { status: r.status, findings: JSON.parse(r.stdout) as JsonFinding[], stderr: r.stderr };
  };
  const checked = await run();
  assert.equal(checked.status, 1, checked.stderr);
  assert.deepEqual(
    checked.findings.map((f) => `${f.line} ${f.severity} ${f.code}`),
    ['10 error signature-invalid'],
  );
  assert.equal(
    checked.findings[0].message,
    'No signature of the image this reference pulls verifies with the keys or signers trusted for its repository: it is signed by ' +
      `https://github.com/someone/else/.github/workflows/ci.yml@refs/heads/main via ${release.issuer}, but the trusted signers are ${trusted} via ${release.issuer}.`,
  );

  // Without trustedRoot, the shipped public-good root is the one trusted, and the test's own CA is not in it.
  const file = join(dir, '.image-aware.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('  trustedRoot: root.json\n', ''));
  const publicGood = await run();
  assert.deepEqual(
    publicGood.findings.map((f) => `${f.line} ${f.code} ${f.message.split(': ').slice(1).join(': ')}`),
    [8, 10].map((line) => `${line} signature-invalid it does not verify with the trusted root: Failed to verify certificate chain.`),
  );
});
