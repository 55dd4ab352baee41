/**
 * computeHover with RegistryFacts built as data: where the tag points now, whether the pin still
 * matches, media type, platforms with digests, total size in human units, created date and the
 * org.opencontainers.image.* labels. Without facts the hover is exactly the offline one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHover } from '../../../server/src/core/features/hover';
import { formatCreated, formatSize } from '../../../server/src/core/features/registryHover';
import { NO_FACTS } from '../../../server/src/core/facts';
import type { ReferrerFact, RegistryFacts } from '../../../server/src/core/facts';
import { caret } from '../../helpers/caret';
import { FAILED_UNREACHABLE, found, foundIndex, MISSING, registryFacts } from '../../helpers/facts';
import { analyzeText, DIGEST, kustomization, OTHER_DIGEST, pod } from '../../helpers/manifests';

const HUB = 'docker.io/library/nginx';
const ARM = `sha256:${'a'.repeat(64)}`;

function hover(input: string, facts?: RegistryFacts | null): string {
  const { text, offset } = caret(input);
  const result = computeHover(analyzeText(text), offset, facts);
  assert.ok(result, 'expected a hover');
  return result.markdown;
}

/** The registry part of an image hover: between the pinning line and the parts table. */
function registryPart(markdown: string): string {
  const start = markdown.search(/\n\n(The digest fixes|The tag can be pushed)[^\n]*\n\n/);
  const afterPinning = markdown.indexOf('\n\n', start + 2) + 2;
  return markdown.slice(afterPinning, markdown.indexOf('| Registry | Repository |'));
}

const SINGLE = found(DIGEST, {
  size: 1234,
  totalSize: 31_457_280,
  created: '2024-05-01T12:00:00Z',
  labels: {
    'org.opencontainers.image.title': 'nginx',
    'org.opencontainers.image.version': '1.25.3',
    'org.opencontainers.image.source': 'https://github.com/nginxinc/docker-nginx',
    'org.opencontainers.image.created': '2024-05-01T12:00:00Z',
    'com.example.other': 'not shown',
  },
});

const INDEX = foundIndex(OTHER_DIGEST, [
  { os: 'linux', architecture: 'amd64', digest: DIGEST, size: 1000, totalSize: 70_000_000, created: '2024-05-01T12:00:00Z' },
  { os: 'linux', architecture: 'arm64', variant: 'v8', digest: ARM, size: 1000, totalSize: 65_500_000, created: '2024-05-01T12:00:00Z' },
]);

test('without facts, or with empty ones, the hover is the offline one', () => {
  const input = pod('    - image: ngi|nx:1.25\n');
  const offline = hover(input);
  assert.equal(hover(input, null), offline);
  assert.equal(hover(input, NO_FACTS), offline);
  assert.equal(registryPart(offline), '');
});

test('a single-platform image: digest now, media type, size, created, key labels', () => {
  const markdown = hover(pod('    - image: ngi|nx:1.25.3\n'), registryFacts({ manifests: { [`${HUB}:1.25.3`]: SINGLE } }));
  assert.equal(
    registryPart(markdown),
    [
      `**Registry**: \`:1.25.3\` now points to \`${DIGEST}\``,
      '',
      'OCI image manifest `application/vnd.oci.image.manifest.v1+json` · 31.5 MB (compressed layers) · created 2024-05-01 12:00 UTC',
      '',
      'Labels: title `nginx` · version `1.25.3` · source `https://github.com/nginxinc/docker-nginx`',
      '',
      '',
    ].join('\n'),
  );
});

test('a multi-platform index: each platform with its digest, size and date', () => {
  const markdown = hover(pod('    - image: ngi|nx:1.25\n'), registryFacts({ manifests: { [`${HUB}:1.25`]: INDEX } }));
  assert.equal(
    registryPart(markdown),
    [
      `**Registry**: \`:1.25\` now points to \`${OTHER_DIGEST}\``,
      '',
      'OCI image index `application/vnd.oci.image.index.v1+json` · 136 MB over 2 platforms (compressed layers)',
      '',
      '| Platform | Digest | Size | Created |',
      '|---|---|---|---|',
      `| \`linux/amd64\` | \`${DIGEST}\` | 70.0 MB | 2024-05-01 12:00 UTC |`,
      `| \`linux/arm64/v8\` | \`${ARM}\` | 65.5 MB | 2024-05-01 12:00 UTC |`,
      '',
      '',
    ].join('\n'),
  );
});

test('a pin: still matching, matching one platform of the index, or no longer matching', () => {
  const pinned = (digest: string, answer = INDEX) =>
    hover(pod(`    - image: ngi|nx:1.25@${digest}\n`), registryFacts({ manifests: { [`${HUB}:1.25`]: answer, [`${HUB}@${digest}`]: SINGLE } }));
  assert.match(pinned(OTHER_DIGEST), /The pinned digest still matches `:1\.25`\./);
  assert.match(
    pinned(DIGEST),
    /The pinned digest is the `linux\/amd64` image of the index `:1\.25` points to, \*\*not the index\*\*: every node pulls this one platform\./,
  );
  assert.match(pinned(DIGEST, found(ARM)), /\*\*The pinned digest no longer matches\*\* `:1\.25`: the tag was pushed again since it was pinned\./);
  // What is pulled is the pinned manifest, so its details are shown.
  assert.match(pinned(DIGEST, found(ARM)), /created 2024-05-01 12:00 UTC/);
});

test('missing tags and digests, cached answers and unreachable registries are said as such', () => {
  assert.match(
    hover(pod('    - image: ngi|nx:9\n'), registryFacts({ manifests: { [`${HUB}:9`]: MISSING } })),
    /\*\*Registry\*\*: `docker\.io` has no tag `9` in `library\/nginx`\./,
  );
  assert.match(
    hover(pod(`    - image: ngi|nx@${DIGEST}\n`), registryFacts({ manifests: { [`${HUB}@${DIGEST}`]: MISSING } })),
    /has no manifest `sha256:c+` in `library\/nginx`\./,
  );
  assert.match(
    hover(pod('    - image: ngi|nx:1\n'), registryFacts({ manifests: { [`${HUB}:1`]: found(DIGEST, { stale: true }) } })),
    /now points to `sha256:c+` \*\(cached: the registry could not be reached\)\*/,
  );
  const unreachable = registryFacts({
    manifests: { 'registry.example.com/a:1': FAILED_UNREACHABLE },
    problems: { 'registry.example.com': { kind: 'unreachable', reason: 'registry.example.com could not be reached: connect ECONNREFUSED.' } },
  });
  assert.match(
    hover(pod('    - image: registry.example.com/|a:1\n'), unreachable),
    /\*\*Registry not checked\*\*: registry\.example\.com could not be reached: connect ECONNREFUSED\./,
  );
});

test('a kustomize entry shows what the registry says about the image it produces', () => {
  const markdown = hover(kustomization('  - name: nginx\n    newTag: "1.25.|3"\n'), registryFacts({ manifests: { [`${HUB}:1.25.3`]: SINGLE } }));
  assert.match(markdown, /\*\*Registry\*\*: `:1\.25\.3` now points to `sha256:c+`/);
  assert.match(markdown, /· 31\.5 MB \(compressed layers\)/);
  assert.equal(markdown.split('\n')[0], '`docker.io/library/nginx:1.25.3` · not pinned · registry: found');
});

test('sizes in decimal units as docker shows them, dates in UTC', () => {
  assert.deepEqual([0, 999, 1000, 1536, 999_999, 31_457_280, 1_500_000_000, 2e15].map(formatSize), [
    '0 B',
    '999 B',
    '1.0 kB',
    '1.5 kB',
    '1.0 MB',
    '31.5 MB',
    '1.5 GB',
    '2000 TB',
  ]);
  assert.equal(formatCreated('2024-05-01T12:00:00Z'), '2024-05-01 12:00 UTC');
  assert.equal(formatCreated('2024-05-01T12:00:00.123456789Z'), '2024-05-01 12:00 UTC');
  assert.equal(formatCreated('2024-05-01T12:00:00+02:00'), '2024-05-01T12:00:00+02:00');
});

test('what is attached follows the manifest: signed on the index, the same attestations on each platform', () => {
  const attestation = (digest: string, subject: string): ReferrerFact => ({
    digest,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: null,
    kind: 'attestation',
    contents: [
      { kind: 'sbom', format: 'SPDX' },
      { kind: 'provenance', format: 'SLSA v0.2' },
    ],
    subject,
    annotations: {},
    source: 'attestation-manifest',
    repository: HUB,
  });
  const signature: ReferrerFact = {
    ...attestation(`sha256:${'c'.repeat(64)}`, OTHER_DIGEST),
    kind: 'signature',
    contents: [{ kind: 'signature', format: 'cosign keyless' }],
    created: '2026-11-02T08:00:00Z',
    source: 'cosign-tag',
  };
  const listed = (referrers: ReferrerFact[]) => ({ status: 'found' as const, referrers, discovery: 'referrers-tag' as const, notes: [], stale: false });
  const facts = registryFacts({
    manifests: { [`${HUB}:1.25`]: INDEX },
    referrers: {
      [`${HUB}@${OTHER_DIGEST}`]: listed([signature]),
      [`${HUB}@${DIGEST}`]: listed([attestation(`sha256:${'d'.repeat(64)}`, DIGEST)]),
      [`${HUB}@${ARM}`]: listed([attestation(`sha256:${'e'.repeat(64)}`, ARM)]),
    },
  });
  const part = registryPart(hover(pod('    - image: ngi|nx:1.25\n'), facts));
  assert.ok(part.endsWith('**Attached**: signed: cosign keyless, 2026-11-02 · each platform: SBOM: SPDX · provenance: SLSA v0.2\n\n'), part);
});

test('the summary line says what the registry said about the image pulled', () => {
  const first = (input: string, facts: RegistryFacts): string => hover(input, facts).split('\n')[0];
  assert.equal(
    first(pod('    - image: ngi|nx:1.25\n'), registryFacts({ manifests: { [`${HUB}:1.25`]: INDEX } })),
    '`docker.io/library/nginx:1.25` · IfNotPresent · not pinned · registry: found (2 platforms)',
  );
  assert.equal(
    first(pod('    - image: ngi|nx:1\n      imagePullPolicy: Always\n'), registryFacts({ manifests: { [`${HUB}:1`]: found(DIGEST, { stale: true }) } })),
    '`docker.io/library/nginx:1` · Always · not pinned · registry: found, cached',
  );
  assert.equal(
    first(pod(`    - image: ngi|nx:1@${DIGEST}\n`), registryFacts({ manifests: { [`${HUB}@${DIGEST}`]: MISSING } })),
    `\`docker.io/library/nginx:1@${DIGEST}\` · IfNotPresent · pinned · registry: not found`,
  );
  const refused = registryFacts({
    manifests: { 'ghcr.io/acme/web:1': { status: 'failed', problem: 'unauthorized' } },
    problems: { 'ghcr.io': { kind: 'unauthorized', reason: 'ghcr.io refused access (tried anonymous).' } },
  });
  assert.equal(first(pod('    - image: ghcr.io/acme/|web:1\n'), refused), '`ghcr.io/acme/web:1` · IfNotPresent · not pinned · registry: refused access');
  assert.equal(first(pod('    - image: ngi|nx:1\n'), NO_FACTS), '`docker.io/library/nginx:1` · IfNotPresent · not pinned');
});

test('where the pull of the kubelet would fail, the hover says what it does and what to do', () => {
  const missing = hover(pod('    - image: ngi|nx:9\n'), registryFacts({ manifests: { [`${HUB}:9`]: MISSING } }));
  assert.match(
    missing,
    /\n\*\*The pull would fail\*\* \(imagePullPolicy IfNotPresent\): the pod goes from `ErrImagePull` to `ImagePullBackOff`, .* doubles from 10 s up to 5 minutes\. `kubectl describe pod` shows `Failed to pull image "nginx:9": docker\.io\/library\/nginx:9: not found`\. Use a tag the repository has \(quick fix\), or push this one\.\n/,
  );
  const never = hover(pod('    - image: ngi|nx:9\n      imagePullPolicy: Never\n'), registryFacts({ manifests: { [`${HUB}:9`]: MISSING } }));
  assert.match(never, /\*\*The container cannot start\*\*: imagePullPolicy is Never, .* fails with `ErrImageNeverPull`\./);
  const anonymous = registryFacts({ manifests: { 'ghcr.io/acme/web:1': found(DIGEST) }, anonymous: { 'ghcr.io/acme/web': false } });
  assert.match(
    hover(pod('    - image: ghcr.io/acme/|web:1\n'), anonymous),
    /\*\*The pull would fail\*\* on a node without credentials for `ghcr\.io` .* Add imagePullSecrets/,
  );
  const withSecrets = pod('    - image: ghcr.io/acme/|web:1\n').replace('  containers:', '  imagePullSecrets:\n    - name: regcred\n  containers:');
  assert.doesNotMatch(hover(withSecrets, anonymous), /pull would fail/);
  assert.doesNotMatch(hover(pod('    - image: ngi|nx:1.25\n'), registryFacts({ manifests: { [`${HUB}:1.25`]: INDEX } })), /pull would fail|cannot start/);
});

test('with targets, the hover says which the image runs on, narrowed by the pod nodeSelector and required node affinity', () => {
  const targets = { platforms: ['linux/amd64', 'linux/arm64', 'linux/s390x'], source: 'imageAware.platforms.targets' };
  const facts = registryFacts({ manifests: { [`${HUB}:1.25`]: INDEX }, targets });
  const line = (markdown: string): string | undefined => markdown.split('\n').find((l) => l.startsWith('**Platforms**'));
  assert.equal(
    line(hover(pod('    - image: ngi|nx:1.25\n'), facts)),
    '**Platforms**: runs on `linux/amd64, linux/arm64`; **not on `linux/s390x`** (targets from imageAware.platforms.targets)',
  );
  const selected = pod('    - image: ngi|nx:1.25\n').replace('  containers:', '  nodeSelector:\n    kubernetes.io/arch: arm64\n  containers:');
  assert.equal(line(hover(selected, facts)), '**Platforms**: runs on `linux/arm64` (targets from imageAware.platforms.targets)');
  const affinity = pod('    - image: ngi|nx:1.25\n').replace(
    '  containers:',
    [
      '  affinity:',
      '    nodeAffinity:',
      '      requiredDuringSchedulingIgnoredDuringExecution:',
      '        nodeSelectorTerms:',
      '          - matchExpressions:',
      '              - { key: kubernetes.io/arch, operator: NotIn, values: [arm64] }',
      '  containers:',
    ].join('\n'),
  );
  assert.equal(line(hover(affinity, facts)), '**Platforms**: runs on `linux/amd64`; **not on `linux/s390x`** (targets from imageAware.platforms.targets)');
  assert.equal(line(hover(pod('    - image: ngi|nx:1.25\n'), registryFacts({ manifests: { [`${HUB}:1.25`]: INDEX } }))), undefined);
});

test('the pull rate limit the registry announced, and when it is low, that what can wait is waiting', () => {
  const withLimit = (remaining: number): RegistryFacts => ({
    ...registryFacts({ manifests: { [`${HUB}:1.25`]: INDEX } }),
    rateLimits: new Map([['docker.io', { limit: 100, remaining, windowSeconds: 21600, at: 0 }]]),
  });
  const line = (markdown: string): string | undefined => markdown.split('\n').find((l) => l.startsWith('**Pull rate limit**'));
  assert.equal(line(hover(pod('    - image: ngi|nx:1.25\n'), withLimit(76))), '**Pull rate limit**: 76 of 100 pulls left per 6 h at `docker.io`');
  assert.equal(
    line(hover(pod('    - image: ngi|nx:1.25\n'), withLimit(3))),
    '**Pull rate limit**: 3 of 100 pulls left per 6 h at `docker.io`: **low**, so tag lists, anonymous-pull checks and referrers are not asked until it recovers',
  );
  assert.equal(line(hover(pod('    - image: ghcr.io/a/b:1|\n'), withLimit(3))), undefined);
});
