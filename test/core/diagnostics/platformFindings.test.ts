/**
 * platformFindings with facts built as data: single-platform-pin (and not for a deliberate
 * imageAware.pin.platform pin), platform-missing for an index and a single image, narrowed by
 * nodeSelector and required node affinity, variants, facts of the wrong shape, and no finding
 * without targets or where the kubelet does not pull.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { platformFindings } from '../../../server/src/core/diagnostics/platformFindings';
import type { ManifestFound, RegistryFacts } from '../../../server/src/core/facts';
import { DEFAULT_SETTINGS, parseSettings } from '../../../server/src/core/settings';
import type { PlatformTargets } from '../../../server/src/core/platforms';
import { found, foundIndex, registryFacts } from '../../helpers/facts';
import { analyzeText, DIGEST, OTHER_DIGEST, pod } from '../../helpers/manifests';

const HUB = 'docker.io/library/app';
const ARM = `sha256:${'a'.repeat(64)}`;
const ARM7 = `sha256:${'b'.repeat(64)}`;
const INDEX = foundIndex(OTHER_DIGEST, [
  { os: 'linux', architecture: 'amd64', digest: DIGEST, size: 1 },
  { os: 'linux', architecture: 'arm', variant: 'v7', digest: ARM7, size: 1 },
]);
const TARGETS: PlatformTargets = { platforms: ['linux/amd64', 'linux/arm64'], source: 'the nodes of kind-dev' };

function codes(text: string, facts: RegistryFacts, settings = DEFAULT_SETTINGS): string[] {
  return platformFindings(analyzeText(text), facts, settings.pin).map((f) => `${f.code}: ${f.message}`);
}

const image = (value: string, spec = ''): string => pod(`    - name: app\n      image: ${value}\n`, spec);
const facts = (answer: ManifestFound, targets: PlatformTargets | null = TARGETS, key = `${HUB}:1.0`): RegistryFacts =>
  registryFacts({ manifests: { [key]: answer }, ...(targets ? { targets } : {}) });

test('an index without a target platform is platform-missing, unless the pod is kept off those nodes', () => {
  const [finding, ...rest] = codes(image('app:1.0'), facts(INDEX));
  assert.equal(rest.length, 0);
  assert.match(
    finding,
    /^platform-missing: "app:1\.0" cannot run on linux\/arm64 \(its index has no linux\/arm64 image\).*the nodes of kind-dev.*no match for platform/,
  );
  assert.deepEqual(codes(image('app:1.0', '  nodeSelector:\n    kubernetes.io/arch: amd64\n'), facts(INDEX)), []);
  assert.deepEqual(codes(image('app:1.0', '  nodeSelector:\n    beta.kubernetes.io/arch: amd64\n'), facts(INDEX)), []);
  const affinity = (operator: string, values: string): string =>
    '  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n' +
    `          - matchExpressions:\n              - key: kubernetes.io/arch\n                operator: ${operator}\n                values: ${values}\n`;
  assert.deepEqual(codes(image('app:1.0', affinity('In', '[amd64]')), facts(INDEX)), []);
  assert.deepEqual(codes(image('app:1.0', affinity('NotIn', '[arm64]')), facts(INDEX)), []);
  assert.equal(codes(image('app:1.0', affinity('NotIn', '[amd64]')), facts(INDEX)).length, 1);
  // Labels other than os and arch narrow nothing.
  assert.equal(codes(image('app:1.0', '  nodeSelector:\n    disktype: ssd\n'), facts(INDEX)).length, 1);
});

test('a single-platform image runs only on its own platform; variants count only when both sides write one', () => {
  const single = found(DIGEST, { os: 'linux', architecture: 'arm64' });
  assert.match(codes(image('app:1.0'), facts(single))[0], /cannot run on linux\/amd64 \(it is a single-platform linux\/arm64 image\).*exec format error/);
  const arm = { platforms: ['linux/arm/v7'], source: 'imageAware.platforms.targets' };
  assert.deepEqual(codes(image('app:1.0'), facts(INDEX, arm)), []);
  assert.equal(codes(image('app:1.0'), facts(INDEX, { ...arm, platforms: ['linux/arm/v6'] })).length, 1);
  assert.deepEqual(codes(image('app:1.0'), facts(found(DIGEST, { os: 'linux', architecture: 'aarch64' }), { ...arm, platforms: ['linux/arm64/v8'] })), []);
});

test('no platform-missing without targets, for an image of unknown platform, or where the kubelet does not pull', () => {
  assert.deepEqual(codes(image('app:1.0'), facts(INDEX, null)), []);
  assert.deepEqual(codes(image('app:1.0'), facts(found(DIGEST))), []);
  const hostile = found(DIGEST, { os: 7 as unknown as string, architecture: 'amd64' });
  assert.deepEqual(codes(image('app:1.0'), facts(hostile)), []);
  const compose = analyzeText('services:\n  web:\n    image: app:1.0\n', 'compose.yaml');
  assert.deepEqual(platformFindings(compose, facts(INDEX), DEFAULT_SETTINGS.pin), []);
});

test("single-platform-pin: a digest of one platform of the tag's index, not when pin.platform asks for that platform", () => {
  const text = image(`app:1.0@${ARM7}`);
  const answers = registryFacts({ manifests: { [`${HUB}:1.0`]: INDEX } });
  assert.deepEqual(codes(text, answers), [
    `single-platform-pin: sha256:bbbbbbbbbbbb… is the linux/arm/v7 image of the multi-platform index ":1.0" points to, not the index: every node ` +
      `pulls this one image, so on nodes of its other platforms (linux/amd64) the container fails with "exec format error". ` +
      `Pin the index sha256:dddddddddddd… instead, so each node pulls its own platform.`,
  ]);
  assert.deepEqual(codes(text, answers, parseSettings({ pin: { platform: 'linux/arm/v7' } })), []);
  assert.deepEqual(codes(image(`app:1.0@${OTHER_DIGEST}`), answers), []);
  assert.deepEqual(codes(image(`app@${ARM7}`), answers), []);
  assert.deepEqual(codes(image(`app:1.0@${ARM}`), answers), []);
});
