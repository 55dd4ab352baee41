/**
 * The editor features on image fields other than a Deployment's containers, on the documented
 * fixtures of test/fixtures/manifests/crds/: hovers that say what differs (ephemeral containers,
 * image volumes, Knative's digest resolution, KubeVirt's own default, a StepAction without a pull
 * policy field, a Crossplane package), inlay hints and quick fixes that write each place's own policy
 * key, completion of the values a place accepts, and pinning every image of every fixture with edits
 * that change only the image scalars (golden files).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { pinFileEdits } from '../../../server/src/core/edits/pinEdits';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import { computeCompletions } from '../../../server/src/core/features/completion';
import { computeHover } from '../../../server/src/core/features/hover';
import { computeInlayHints } from '../../../server/src/core/features/inlayHints';
import { anonymousPullQueries, factQueries } from '../../../server/src/core/imageSites';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { caret } from '../../helpers/caret';
import { assertOnlyEditedBytesChanged } from '../../helpers/edits';
import { found, MISSING, registryFacts } from '../../helpers/facts';
import { checkGolden } from '../../helpers/golden';
import { analyzeText } from '../../helpers/manifests';
import { CRD_FIXTURE_NAMES, crdFixture } from '../../helpers/crdFixtures';

/** The hover at the `|` put in place of `needle`'s first character (after `after`, when given), as lines. */
function hoverAt(text: string, needle: string, after = ''): string[] {
  const offset = text.indexOf(needle, text.indexOf(after));
  assert.ok(offset >= 0, `${needle} is in the fixture`);
  const hover = computeHover(analyzeText(text, 'fixture.yaml'), offset + 1);
  assert.ok(hover, `a hover on ${needle}`);
  return hover.markdown.split('\n');
}

/** The policy paragraph goes on with what the policy means; the rule's own words come first. */
function assertStartsWith(actual: string, expected: string): void {
  assert.ok(actual.startsWith(expected), `${JSON.stringify(actual)} starts with ${JSON.stringify(expected)}`);
}

function line(lines: readonly string[], start: string): string {
  const found = lines.find((l) => l.startsWith(start));
  assert.ok(found, `a line starting ${JSON.stringify(start)} in:\n${lines.join('\n')}`);
  return found;
}

test('hover on an ephemeral container says it cannot be created with the Pod', () => {
  const lines = hoverAt(crdFixture('kubernetes-image-volumes.yaml'), 'busybox:1.36');
  assertStartsWith(
    line(lines, '*Ephemeral container*'),
    '*Ephemeral container* `spec.ephemeralContainers[0]`: Ephemeral containers cannot be created with the Pod: the API server rejects them in a new Pod ' +
      '("cannot be set on create") and in every pod template; they are added later through the ephemeralcontainers subresource (kubectl debug).',
  );
});

test('hover on an image volume: the pullPolicy it gets, by the containers’ rule, and what an image volume is', () => {
  const text = crdFixture('kubernetes-image-volumes.yaml');
  const lines = hoverAt(text, 'quay.io/crio/artifact:latest');
  assertStartsWith(
    line(lines, '**'),
    '**pullPolicy: Always** (default). Kubernetes defaults pullPolicy to Always because the tag is :latest ' +
      '(SetDefaults_Volume, with the rule of SetDefaults_Container).',
  );
  assert.match(line(lines, '*Image volume*'), /^\*Image volume\* `spec\.volumes\[1\]\.image`: An image volume \(KEP-4639\) mounts the image/);
  // On the written policy: the same rule, under its own key.
  assertStartsWith(
    line(hoverAt(text, 'IfNotPresent', 'quay.io/crio/artifact:v2'), '**'),
    '**pullPolicy: IfNotPresent** (set in the manifest). pullPolicy is set to IfNotPresent in the manifest, and Kubernetes never overrides a value that is set.',
  );
});

test('hover on a Knative Service: a tag is resolved to a digest, so the default is IfNotPresent', () => {
  const lines = hoverAt(crdFixture('knative.yaml'), 'gcr.io/knative-samples/helloworld-go');
  assert.match(
    line(lines, '**'),
    /^\*\*imagePullPolicy: IfNotPresent\*\* \(default\)\. Kubernetes defaults imagePullPolicy to IfNotPresent because Knative Serving resolves the tag to a digest/,
  );
  assert.match(
    line(lines, '*Container*'),
    /^\*Container\* `spec\.template\.spec\.containers\[0\]`: Knative Serving resolves the tag to a digest when it creates a Revision/,
  );
  // kind.local is one of the registries Knative leaves alone: Kubernetes' own rule.
  assert.match(
    line(hoverAt(crdFixture('knative.yaml'), 'kind.local/helloworld-go:latest'), '**'),
    /^\*\*imagePullPolicy: Always\*\* \(default\)\..*the tag is :latest \(SetDefaults_Container\)/,
  );
  // Init containers are not resolved: Kubernetes' rule.
  assert.match(line(hoverAt(crdFixture('knative.yaml'), 'busybox:latest'), '**'), /^\*\*imagePullPolicy: Always\*\*/);
});

test('hover on a KubeVirt containerDisk: KubeVirt’s text test counts a registry port as a tag', () => {
  const lines = hoverAt(crdFixture('kubevirt.yaml'), 'registry:5000/kubevirt/cirros-container-disk-demo:devel');
  assertStartsWith(
    line(lines, '**'),
    '**imagePullPolicy: IfNotPresent** (default). KubeVirt defaults imagePullPolicy to IfNotPresent because the image does not end with ":latest" ' +
      'and has a ":" or "@" (setDefaultPullPoliciesOnContainerDisks), even a registry port.',
  );
  const noTag = hoverAt(crdFixture('kubevirt.yaml'), 'quay.io/kubevirt/cirros-container-disk-demo');
  assert.match(line(noTag, '**'), /^\*\*imagePullPolicy: Always\*\* \(default\)\. KubeVirt defaults/);
});

test('hover on a StepAction and a Crossplane package: their own keys and rules', () => {
  const step = hoverAt(crdFixture('tekton.yaml'), 'mirror.gcr.io/alpine@');
  assert.match(line(step, '**'), /^\*\*pull policy: IfNotPresent\*\* \(default\)\. Kubernetes defaults pull policy to IfNotPresent/);
  assert.match(line(step, '*StepAction*'), /A StepAction has no pull policy of its own/);
  const pkg = hoverAt(crdFixture('crossplane.yaml'), 'xpkg.upbound.io/negz/go-templates:v0.1.0');
  assertStartsWith(
    line(pkg, '**'),
    '**packagePullPolicy: IfNotPresent** (default). Crossplane defaults packagePullPolicy to IfNotPresent whatever the tag (the CRD default of packagePullPolicy).',
  );
});

test('inlay hints write each place’s own pull policy key and default', () => {
  const hints = (name: string): string[] => {
    const text = crdFixture(name);
    return computeInlayHints(analyzeText(text, name), 0, text.length, DEFAULT_SETTINGS).map(
      (h) => `${text.slice(text.lastIndexOf('\n', h.offset - 1) + 1, h.offset).trim()} → ${h.label}`,
    );
  };
  const volumes = hints('kubernetes-image-volumes.yaml');
  assert.ok(volumes.includes('reference: quay.io/crio/artifact:latest → pullPolicy = Always'), volumes.join('\n'));
  assert.ok(volumes.includes('image: debian → imagePullPolicy = Always'), volumes.join('\n'));
  assert.ok(hints('knative.yaml').includes('- image: gcr.io/knative-samples/helloworld-go → imagePullPolicy = IfNotPresent'));
  assert.ok(hints('kubevirt.yaml').includes('image: registry:5000/kubevirt/alpine-ext-kernel-boot-demo:devel → imagePullPolicy = IfNotPresent'));
  assert.ok(hints('crossplane.yaml').includes('package: xpkg.upbound.io/negz/go-templates:v0.1.0 → packagePullPolicy = IfNotPresent'));
  assert.ok(hints('tekton.yaml').some((h) => h.startsWith('image: mirror.gcr.io/alpine@sha256:') && h.endsWith('→ pull policy = IfNotPresent')));
});

test('quick fixes set an image volume’s pullPolicy under its own key, byte-minimal', () => {
  const text = crdFixture('kubernetes-image-volumes.yaml');
  const at = text.indexOf('quay.io/crio/artifact:latest');
  const actions = computeCodeActions(analyzeText(text), at, at, DEFAULT_SETTINGS);
  assert.deepEqual(
    actions.map((a) => a.title),
    ['Set pullPolicy: Always (the current default)', 'Set pullPolicy: IfNotPresent', 'Set pullPolicy: Never'],
  );
  const after = applyEdits(text, actions[1].edits);
  assertOnlyEditedBytesChanged(text, after, actions[1].edits);
  checkGolden('imageLocations.image-volume-set-pull-policy', text, after);
  // A StepAction has no pull policy field: nothing to set.
  const tekton = crdFixture('tekton.yaml');
  const step = tekton.indexOf('mirror.gcr.io/alpine@');
  assert.deepEqual(
    computeCodeActions(analyzeText(tekton), step, step, DEFAULT_SETTINGS).map((a) => a.title),
    [],
  );
});

test('an OpenKruise ImagePullJob accepts only Always and IfNotPresent', () => {
  const text = crdFixture('openkruise.yaml').replace('imagePullPolicy: Always\n  pullSecrets', 'imagePullPolicy: Never\n  pullSecrets');
  const analysis = analyzeText(text);
  const at = text.indexOf('imagePullPolicy: Never') + 'imagePullPolicy: '.length;
  const actions = computeCodeActions(analysis, at, at, DEFAULT_SETTINGS);
  assert.deepEqual(
    actions.map((a) => [a.title, a.fixes]),
    [
      ['Change imagePullPolicy to Always', ['invalid-pull-policy']],
      ['Change imagePullPolicy to IfNotPresent', ['invalid-pull-policy']],
    ],
  );
  const { text: typing, offset } = caret(crdFixture('openkruise.yaml').replace('imagePullPolicy: Always\n  pullSecrets', 'imagePullPolicy: |\n  pullSecrets'));
  const list = computeCompletions(analyzeText(typing), offset, null);
  assert.deepEqual(
    list?.items.map((i) => [i.label, i.preselect ?? false, i.detail ?? null]),
    [
      ['Always', false, null],
      ['IfNotPresent', true, 'OpenKruise default for nginx:1.25'],
    ],
  );
});

test('completion after an image volume’s pullPolicy: and reference:', () => {
  const volume = '  volumes:\n  - name: volume\n    image:\n      reference: quay.io/crio/artifact:latest\n      pullPolicy: |\n';
  const { text, offset } = caret(`apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n${volume}`);
  const policies = computeCompletions(analyzeText(text), offset, null);
  assert.deepEqual(
    policies?.items.map((i) => [i.label, i.preselect ?? false]),
    [
      ['Always', true],
      ['IfNotPresent', false],
      ['Never', false],
    ],
  );
  const typed = caret(
    `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx:1.27\n  volumes:\n  - name: v\n    image:\n      reference: |\n`,
  );
  const images = computeCompletions(analyzeText(typed.text), typed.offset, null);
  assert.deepEqual(
    images?.items.map((i) => i.label),
    ['nginx:1.27'],
  );
  // The same key elsewhere is no image field.
  const other = caret('apiVersion: v1\nkind: ConfigMap\ndata:\n  reference: |\n');
  assert.equal(computeCompletions(analyzeText(other.text), other.offset, null), null);
});

/** A digest per repository and tag, so every pin of a fixture writes its own. */
function digestOf(key: string): string {
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

for (const name of CRD_FIXTURE_NAMES) {
  test(`pinning every image of ${name} changes only the image scalars`, () => {
    const text = crdFixture(name);
    const analysis = analyzeText(text, name);
    const facts = registryFacts({ manifests: Object.fromEntries(factQueries(analysis).map((q) => [q.key, found(digestOf(q.key))])) });
    const { pins, refused } = pinFileEdits(analysis, facts, DEFAULT_SETTINGS.pin);
    assert.deepEqual(refused, []);
    const edits = pins.map((p) => p.edit);
    const after = applyEdits(text, edits);
    assertOnlyEditedBytesChanged(text, after, edits);
    checkGolden(`crds.${name.replace(/\.yaml$/, '')}.pinned`, text, after);
  });
}

test('registry findings on an image volume and a Crossplane package: exact spans, their own keys, their pull secrets', () => {
  const text = [
    'apiVersion: v1',
    'kind: Pod',
    'spec:',
    '  containers: [{name: a, image: "ghcr.io/acme/app:1"}]',
    '  volumes:',
    '  - name: weights',
    '    image: {reference: ghcr.io/acme/weights:2025-01, pullPolicy: IfNotPresent}',
    '---',
    'apiVersion: pkg.crossplane.io/v1',
    'kind: Provider',
    'metadata: {name: p}',
    'spec:',
    '  package: ghcr.io/acme/provider:v1',
    '  packagePullSecrets: [{name: xpkg}]',
    '',
  ].join('\n');
  const facts = registryFacts({
    manifests: { 'ghcr.io/acme/app:1': found(digestOf('app')), 'ghcr.io/acme/weights:2025-01': MISSING, 'ghcr.io/acme/provider:v1': found(digestOf('p')) },
    anonymous: { 'ghcr.io/acme/app': true, 'ghcr.io/acme/provider': false },
  });
  const diagnostics = collectDiagnostics(analyzeText(text), DEFAULT_SETTINGS, null, facts)
    .filter((d) => d.origin === 'registry')
    .sort((a, b) => a.start - b.start);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, text.slice(d.start, d.end)]),
    [['tag-not-found', '2025-01']],
  );
  // With Never the volume's own key is named: no node can have pulled what the registry does not have.
  const never = text.replace('pullPolicy: IfNotPresent', 'pullPolicy: Never');
  const neverFindings = collectDiagnostics(analyzeText(never), DEFAULT_SETTINGS, null, facts).filter((d) => d.code === 'pull-would-fail');
  assert.deepEqual(
    neverFindings.map((d) => [never.slice(d.start, d.end), d.message]),
    [
      [
        'ghcr.io/acme/weights:2025-01',
        'pullPolicy is Never and ghcr.io does not have this image either, so no node can have pulled it: the container fails with ErrImageNeverPull.',
      ],
    ],
  );
  // The pod's images have no pull secrets, so a node pulls them anonymously; the package names its own.
  const analysis = analyzeText(text);
  assert.deepEqual(
    anonymousPullQueries(analysis).map((q) => q.key),
    ['ghcr.io/acme/app', 'ghcr.io/acme/weights'],
  );
});
