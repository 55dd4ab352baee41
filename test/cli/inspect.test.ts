/**
 * `image-aware inspect`, run as a real process against a real registry on loopback: an OCI image,
 * a Docker schema 2 image, an OCI index with attestations (which are not platforms), a Docker
 * manifest list, `--platform` (exact, and without the variant), references by digest, and errors.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_CREATED,
  pushArtifact,
  pushCosignTag,
  pushImage,
  pushIndex,
  putReferrersTag,
  registryError,
  signingKey,
  simpleSigningLayer,
  spdxLayer,
  startMisbehavingServer,
  proxy,
  pullRateLimit,
  TYPES,
} from '../helpers/registry';
import type { PushedImage } from '../helpers/registry';
import { runCliAsync } from './runCli';
import { isolatedEnv, registryWith } from './registrySetup';

/** The sum of the layer sizes, read from the manifest as pushed. */
function layerBytes(image: PushedImage): number {
  const manifest = JSON.parse(image.manifest.toString('utf8')) as { layers: Array<{ size: number }> };
  return manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}

function labelsOf(image: PushedImage): Record<string, string> {
  return (JSON.parse(image.config.toString('utf8')) as { config: { Labels: Record<string, string> } }).config.Labels;
}

async function inspectJson(args: readonly string[], env: Record<string, string>): Promise<unknown> {
  const run = await runCliAsync(['inspect', ...args], { env });
  assert.equal(run.stderr, '');
  assert.equal(run.status, 0);
  return JSON.parse(run.stdout);
}

test('inspect an OCI image and a Docker schema 2 image: digest, media type, its platform, layer bytes, created, labels', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  const oci = await pushImage(registry, 'team/oci', '1.0', { layers: 3, labels: { 'com.example.team': 'platform' }, created: '2025-02-03T04:05:06Z' });
  const docker = await pushImage(registry, 'team/docker', '2.0', { format: 'docker', layers: 2, platform: 'linux/arm/v7' });

  assert.deepEqual(await inspectJson([`${registry.host}/team/oci:1.0`], env), {
    reference: `${registry.host}/team/oci:1.0`,
    digest: oci.digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    index: null,
    platforms: [{ os: 'linux', architecture: 'amd64', variant: null, digest: oci.digest, size: layerBytes(oci) }],
    size: layerBytes(oci),
    created: '2025-02-03T04:05:06Z',
    labels: { ...labelsOf(oci), 'com.example.team': 'platform' },
    referrers: [],
    signed: false,
    rateLimit: null,
  });
  assert.deepEqual(await inspectJson([`${registry.host}/team/docker:2.0`], env), {
    reference: `${registry.host}/team/docker:2.0`,
    digest: docker.digest,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    index: null,
    platforms: [{ os: 'linux', architecture: 'arm', variant: 'v7', digest: docker.digest, size: layerBytes(docker) }],
    size: layerBytes(docker),
    created: DEFAULT_CREATED,
    labels: labelsOf(docker),
    referrers: [],
    signed: false,
    rateLimit: null,
  });
  // By digest, the same answer (the reference is printed fully qualified).
  const byDigest = (await inspectJson([`${registry.host}/team/docker@${docker.digest}`], env)) as { reference: string; digest: string };
  assert.equal(byDigest.reference, `${registry.host}/team/docker@${docker.digest}`);
  assert.equal(byDigest.digest, docker.digest);
  // The platform of a single-platform image may be asked for; another one is an error.
  assert.equal(((await inspectJson(['--platform', 'linux/arm/v7', `${registry.host}/team/docker:2.0`], env)) as { digest: string }).digest, docker.digest);
  const other = await runCliAsync(['inspect', '--platform', 'linux/amd64', `${registry.host}/team/docker:2.0`], { env });
  assert.equal(other.status, 2);
  assert.match(other.stderr, /is a single-platform image \(linux\/arm\/v7\), not linux\/amd64/);
});

test('inspect a multi-platform index lists its platforms (no attestations) with their layer bytes; --platform inspects one', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  const index = await pushIndex(registry, 'team/multi', 'v1', ['linux/amd64', 'linux/arm64/v8', 'linux/arm/v7'], {
    attestations: true,
    labels: { tier: 'web' },
  });
  const [amd64, arm64, arm] = index.images;
  // BuildKit's attestation manifests are no platforms: they are referrers of each platform's image.
  const attestation = (position: number) => ({
    digest: index.attestations[position].digest,
    artifactType: null,
    kind: 'attestation',
    subject: index.images[position].digest,
    annotations: {},
  });

  assert.deepEqual(await inspectJson([`${registry.host}/team/multi:v1`], env), {
    reference: `${registry.host}/team/multi:v1`,
    digest: index.digest,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    index: null,
    platforms: [
      { os: 'linux', architecture: 'amd64', variant: null, digest: amd64.digest, size: layerBytes(amd64) },
      { os: 'linux', architecture: 'arm64', variant: 'v8', digest: arm64.digest, size: layerBytes(arm64) },
      { os: 'linux', architecture: 'arm', variant: 'v7', digest: arm.digest, size: layerBytes(arm) },
    ],
    size: null,
    created: null,
    labels: {},
    referrers: [attestation(0), attestation(1), attestation(2)],
    signed: false,
    rateLimit: null,
  });

  const expectedArm64 = {
    reference: `${registry.host}/team/multi:v1`,
    digest: arm64.digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    index: index.digest,
    platforms: [{ os: 'linux', architecture: 'arm64', variant: 'v8', digest: arm64.digest, size: layerBytes(arm64) }],
    size: layerBytes(arm64),
    created: DEFAULT_CREATED,
    labels: labelsOf(arm64),
    referrers: [attestation(1)],
    signed: false,
    rateLimit: null,
  };
  assert.equal(labelsOf(arm64).tier, 'web');
  assert.deepEqual(await inspectJson(['--platform', 'linux/arm64/v8', `${registry.host}/team/multi:v1`], env), expectedArm64);
  // Without the variant, the entry with that os and architecture.
  assert.deepEqual(await inspectJson(['--platform=linux/arm64', `${registry.host}/team/multi:v1`], env), expectedArm64);

  const missing = await runCliAsync(['inspect', '--platform', 'windows/amd64', `${registry.host}/team/multi:v1`], { env });
  assert.equal(missing.status, 2);
  assert.equal(missing.stdout, '');
  assert.equal(
    missing.stderr,
    `image-aware: ${registry.host}/team/multi:v1 has no windows/amd64 image; its platforms are linux/amd64, linux/arm64/v8, linux/arm/v7.\n`,
  );
});

test('inspect a Docker manifest list', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  const list = await pushIndex(registry, 'team/list', 'v2', ['linux/amd64', 'linux/s390x'], { format: 'docker' });
  const result = (await inspectJson([`${registry.host}/team/list:v2`], env)) as { mediaType: string; digest: string; platforms: unknown[] };
  assert.equal(result.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
  assert.equal(result.digest, list.digest);
  assert.deepEqual(
    result.platforms,
    list.images.map((image) => ({
      os: image.platform.os,
      architecture: image.platform.architecture,
      variant: null,
      digest: image.digest,
      size: layerBytes(image),
    })),
  );
});

test('inspect errors exit 2 with the reason: unknown tag, bad platform, bad reference', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  await pushImage(registry, 'team/app', '1.0');
  const unknown = await runCliAsync(['inspect', `${registry.host}/team/app:2.0`], { env });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^image-aware: .*404 MANIFEST_UNKNOWN .*team\/app:2\.0/);
  for (const [args, message] of [
    [['inspect', '--platform', 'linux', `${registry.host}/team/app:1.0`], /--platform expects OS\/ARCH/],
    [['inspect', '--platform', 'Linux/AMD64', `${registry.host}/team/app:1.0`], /--platform expects OS\/ARCH/],
    [['inspect'], /needs exactly one image reference/],
    [['inspect', 'a', 'b'], /needs exactly one image reference/],
    [['inspect', 'app:bad tag'], /not a valid image reference/],
  ] as const) {
    const run = await runCliAsync(args, { env });
    assert.equal(run.status, 2, args.join(' '));
    assert.match(run.stderr, message);
  }
});

const servers: Array<{ stop(): Promise<void> }> = [];
after(async () => {
  for (const server of servers) await server.stop();
});

test('inspect lists what is attached with its subject, and signed says whether a signature refers to the digest', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  const index = await pushIndex(registry, 'team/signed', 'v1', ['linux/amd64', 'linux/arm64']);
  const key = signingKey().privateKey;
  await pushCosignTag(registry, 'team/signed', index.digest, 'sig', [simpleSigningLayer(`${registry.host}/team/signed`, index.digest, key)]);
  const [amd64] = index.images;
  const sbom = await pushArtifact(registry, 'team/signed', {
    subject: { digest: amd64.digest, mediaType: amd64.mediaType, size: amd64.size },
    artifactType: TYPES.spdx,
    layers: [spdxLayer('amd64')],
    annotations: { 'org.opencontainers.image.created': '2026-01-02T03:04:05Z' },
  });
  await putReferrersTag(registry, 'team/signed', amd64.digest, [sbom]);

  const result = (await inspectJson([`${registry.host}/team/signed:v1`], env)) as { referrers: Array<Record<string, unknown>>; signed: boolean };
  assert.equal(result.signed, true);
  assert.equal(result.referrers.length, 2);
  assert.deepEqual(
    { ...result.referrers[0], digest: undefined },
    { digest: undefined, artifactType: null, kind: 'signature', subject: index.digest, annotations: {} },
  );
  assert.deepEqual(result.referrers[1], {
    digest: sbom.digest,
    artifactType: TYPES.spdx,
    kind: 'sbom',
    subject: amd64.digest,
    annotations: { 'org.opencontainers.image.created': '2026-01-02T03:04:05Z' },
  });
  // The amd64 image itself is not signed: the signature is on the index.
  const platform = (await inspectJson(['--platform', 'linux/amd64', `${registry.host}/team/signed:v1`], env)) as { signed: boolean; referrers: unknown[] };
  assert.equal(platform.signed, false);
  assert.equal(platform.referrers.length, 2);
});

test('inspect finds signatures kept in the repository COSIGN_REPOSITORY names', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  const image = await pushImage(registry, 'team/app', 'v1');
  await pushCosignTag(registry, 'team/signatures', image.digest, 'sig', [simpleSigningLayer('team/app', image.digest, signingKey().privateKey)]);
  const unsigned = (await inspectJson([`${registry.host}/team/app:v1`], env)) as { signed: boolean };
  assert.equal(unsigned.signed, false);
  const signed = (await inspectJson([`${registry.host}/team/app:v1`], { ...env, COSIGN_REPOSITORY: `${registry.host}/team/signatures` })) as {
    signed: boolean;
    referrers: Array<{ kind: string; subject: string }>;
  };
  assert.equal(signed.signed, true);
  assert.deepEqual(
    signed.referrers.map((referrer) => [referrer.kind, referrer.subject]),
    [['signature', image.digest]],
  );
});

test('inspect prints the image with referrers and signed null, and the reason on stderr, when the referrers cannot be listed', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  const image = await pushImage(registry, 'team/app', 'v1');
  const front = await startMisbehavingServer(proxy(registry));
  servers.push(front);
  front.on(/\/referrers\//, registryError(403, 'DENIED', 'referrers are not for you'));
  const run = await runCliAsync(['inspect', `${front.host}/team/app:v1`], { env });
  assert.equal(run.status, 0);
  const result = JSON.parse(run.stdout) as { digest: string; referrers: unknown; signed: unknown };
  assert.deepEqual([result.digest, result.referrers, result.signed], [image.digest, null, null]);
  assert.match(run.stderr, /^image-aware: the referrers of .*team\/app:v1 could not be listed: .*denied access \(tried anonymous\)\./);
});

test('inspect prints the pull rate limit the registry announced (distribution announces none; a proxy adds them as Docker Hub does)', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  await pushImage(registry, 'team/app', 'v1');
  const front = await startMisbehavingServer(pullRateLimit(100, 21600, proxy(registry)));
  servers.push(front);
  const result = (await inspectJson([`${front.host}/team/app:v1`], env)) as { rateLimit: unknown };
  // One pull counted: the manifest by tag. The referrers tag and cosign's tags do not exist, and a HEAD (no pull) says so.
  const counted = front.requests.filter((r) => r.method === 'GET' && r.path.includes('/manifests/')).map((r) => r.path);
  assert.deepEqual(counted, ['/v2/team/app/manifests/v1']);
  assert.deepEqual(result.rateLimit, { limit: 100, remaining: 99, windowSeconds: 21600 });
});
