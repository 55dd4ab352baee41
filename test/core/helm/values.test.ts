/**
 * Helm values files, on the chart fixtures of test/fixtures/helm/ (helm create, Bitnami,
 * ingress-nginx; each file cites its source): the reference each convention renders, findings on
 * the scalar that holds each problem, hover, completion after `tag:`, tokens per part, and pins
 * that write `digest:` where the templates read one and are refused where they do not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Analysis } from '../../../server/src/core/analysis';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import { computeCompletions, registryCompletionNeed } from '../../../server/src/core/features/completion';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import { computeHover } from '../../../server/src/core/features/hover';
import { computeImageTokens } from '../../../server/src/core/features/imageTokens';
import { computeInlayHints } from '../../../server/src/core/features/inlayHints';
import { pinFileEdits } from '../../../server/src/core/edits/pinEdits';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import { chartContext } from '../../../server/src/core/helm/chart';
import { anonymousPullQueries } from '../../../server/src/core/imageSites';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { found, MISSING, registryFacts } from '../../helpers/facts';
import { DIGEST, OTHER_DIGEST } from '../../helpers/manifests';
import { analyzeValues, chartFixture, templateOf } from '../../helpers/charts';

const PIN = { keepTag: true, platform: null };

function rendered(analysis: Analysis): string[] {
  return analysis.documents.flatMap((doc) => (doc.analysis.fields.values?.images ?? []).map((image) => `${image.path} ${image.rendered.text}`));
}

/** Each diagnostic as `code "marked text"`. */
function marks(analysis: Analysis, facts = registryFacts()): string[] {
  return collectDiagnostics(analysis, DEFAULT_SETTINGS, null, facts).map((d) => `${d.code} ${JSON.stringify(analysis.text.slice(d.start, d.end))}`);
}

function offsetOf(text: string, needle: string, within = 0): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `${needle} is in the text`);
  return at + within;
}

test('helm create: an empty tag renders as appVersion, and the finding marks the repository that names the image', () => {
  const chart = chartFixture('create');
  const analysis = analyzeValues(chart.values, chart.context);
  assert.deepEqual(rendered(analysis), ['image nginx:1.16.0']);
  assert.deepEqual(marks(analysis), ['not-pinned "nginx"', 'redundant-pull-policy "IfNotPresent"']);
  const hover = computeHover(analysis, offsetOf(chart.values, 'tag: ""'));
  assert.ok(
    hover?.markdown.startsWith('`docker.io/library/nginx:1.16.0` · IfNotPresent · not pinned\n\n**Image the chart renders** `nginx:1.16.0`'),
    hover?.markdown,
  );
  assert.match(hover!.markdown, /\| Tag \| `1\.16\.0` \| appVersion in Chart\.yaml \|/);
  assert.match(hover!.markdown, /To pin it, the templates must read `\.Values\.image\.digest`/);
});

test('helm create without appVersion: the empty tag renders "nginx:", marked on the tag value', () => {
  const chart = chartFixture('create');
  const analysis = analyzeValues(chart.values, chartContext('apiVersion: v2\nname: mychart\nversion: 0.1.0\n', chart.templates));
  assert.deepEqual(rendered(analysis), ['image nginx:']);
  const invalid = collectDiagnostics(analysis, DEFAULT_SETTINGS, null).find((d) => d.code === 'invalid-reference');
  assert.equal(chart.values.slice(invalid!.start, invalid!.end), '""');
  assert.match(invalid!.message, /the tag is empty and Chart\.yaml has no appVersion/);
});

test('helm create: pinning is refused, saying what the templates need, since they read no digest', () => {
  const chart = chartFixture('create');
  const analysis = analyzeValues(chart.values, chart.context);
  const facts = registryFacts({ manifests: { 'docker.io/library/nginx:1.16.0': found(DIGEST) } });
  const { pins, refused } = pinFileEdits(analysis, facts, PIN);
  assert.equal(pins.length, 0);
  assert.equal(refused.length, 1);
  assert.match(refused[0].refusal.reason, /the chart's templates do not read \.Values\.image\.digest.*"@\{\{ \.Values\.image\.digest \}\}"/);
  assert.equal(computeCodeActions(analysis, 0, chart.values.length, DEFAULT_SETTINGS, null, facts).filter((a) => a.title.startsWith('Pin')).length, 0);
});

test('helm create with a template that reads the digest: the pin adds digest: after the tag at its column', () => {
  const chart = chartFixture('create');
  const deployment = templateOf(chart, 'deployment.yaml').replace(
    '{{ .Values.image.tag | default .Chart.AppVersion }}"',
    '{{ .Values.image.tag | default .Chart.AppVersion }}@{{ .Values.image.digest }}"',
  );
  const context = chartContext(chart.chartYaml, [
    ...chart.templates.filter((t) => t.name !== 'templates/deployment.yaml'),
    { name: 'templates/deployment.yaml', text: deployment },
  ]);
  const analysis = analyzeValues(chart.values, context);
  const facts = registryFacts({ manifests: { 'docker.io/library/nginx:1.16.0': found(DIGEST) } });
  const { pins, refused } = pinFileEdits(analysis, facts, PIN);
  assert.deepEqual(refused, []);
  const after = applyEdits(
    chart.values,
    pins.map((p) => p.edit),
  );
  assert.equal(after, chart.values.replace('  tag: ""\n', `  tag: ""\n  digest: ${DIGEST}\n`));
  assert.equal(pins[0].value, `nginx:1.16.0@${DIGEST}`);
  assert.deepEqual(rendered(analyzeValues(after, context)), [`image nginx:1.16.0@${DIGEST}`]);
});

test('Bitnami: registry/repository:tag, not-pinned on the tag, and global.imageRegistry wins over the image registry', () => {
  const chart = chartFixture('bitnami');
  const analysis = analyzeValues(chart.values, chart.context);
  assert.deepEqual(rendered(analysis), [
    'image docker.io/bitnami/nginx:1.29.1-debian-12-r0',
    'metrics.image docker.io/bitnami/nginx-exporter:1.4.2-debian-12-r6',
  ]);
  assert.deepEqual(
    marks(analysis).filter((m) => m.startsWith('not-pinned')),
    ['not-pinned "1.29.1-debian-12-r0"', 'not-pinned "1.4.2-debian-12-r6"'],
  );
  const mirrored = chart.values.replace('imageRegistry: ""', 'imageRegistry: mirror.example.com');
  const global = analyzeValues(mirrored, chart.context);
  assert.deepEqual(rendered(global), [
    'image mirror.example.com/bitnami/nginx:1.29.1-debian-12-r0',
    'metrics.image mirror.example.com/bitnami/nginx-exporter:1.4.2-debian-12-r6',
  ]);
  const hover = computeHover(global, offsetOf(mirrored, 'repository: bitnami/nginx'));
  assert.match(hover!.markdown, /\| Registry \| `[^`]+` \| `global\.imageRegistry` \(instead of `image\.registry`\) \|/);
});

test('Bitnami: the pin fills digest: "" in its quotes, and the digest then replaces the tag', () => {
  const chart = chartFixture('bitnami');
  const analysis = analyzeValues(chart.values, chart.context);
  const facts = registryFacts({ manifests: { 'docker.io/bitnami/nginx:1.29.1-debian-12-r0': found(DIGEST) } });
  const { pins, refused } = pinFileEdits(analysis, facts, PIN);
  assert.deepEqual(refused, []);
  assert.equal(pins.length, 1);
  const after = applyEdits(
    chart.values,
    pins.map((p) => p.edit),
  );
  assert.equal(after, chart.values.replace('  digest: ""\n  ## Specify', `  digest: "${DIGEST}"\n  ## Specify`));
  assert.equal(pins[0].value, `docker.io/bitnami/nginx@${DIGEST}`);
  assert.equal(rendered(analyzeValues(after, chart.context))[0], `image docker.io/bitnami/nginx@${DIGEST}`);
});

test('Bitnami: completion after tag: offers the tags of the rendered repository', () => {
  const chart = chartFixture('bitnami');
  const text = chart.values.replace('tag: 1.29.1-debian-12-r0', 'tag: 1.2');
  const analysis = analyzeValues(text, chart.context);
  const offset = offsetOf(text, 'tag: 1.2', 'tag: 1.2'.length);
  assert.deepEqual(registryCompletionNeed(analysis, offset), { kind: 'tags', key: 'docker.io/bitnami/nginx', registry: 'docker.io', path: 'bitnami/nginx' });
  const facts = registryFacts({ tags: { 'docker.io/bitnami/nginx': ['1.27.0', '1.29.1-debian-12-r0', 'latest'] } });
  const list = computeCompletions(analysis, offset, null, facts);
  assert.equal(text.slice(list!.start, list!.end), '1.2');
  assert.deepEqual(new Set(list!.items.map((i) => i.label)), new Set(['1.27.0', '1.29.1-debian-12-r0', 'latest']));
});

test('Bitnami: tokens colour each part in its own scalar, and the inlay hint follows the rendered reference', () => {
  const chart = chartFixture('bitnami');
  const text = chart.values.replace('  pullPolicy: IfNotPresent\n  pullSecrets: []\n  debug', '  pullSecrets: []\n  debug');
  const analysis = analyzeValues(text, chart.context);
  const first = computeImageTokens(analysis).slice(0, 3);
  assert.deepEqual(
    first.map((t) => `${t.type} ${text.slice(t.start, t.end)}`),
    ['imageRegistry docker.io', 'imageRepository bitnami/nginx', 'imageTag 1.29.1-debian-12-r0'],
  );
  const hints = computeInlayHints(analysis, 0, text.length, DEFAULT_SETTINGS);
  assert.equal(hints[0].label, 'imagePullPolicy = IfNotPresent');
  assert.equal(hints[0].offset, offsetOf(text, '1.29.1-debian-12-r0', '1.29.1-debian-12-r0'.length));
});

test('ingress-nginx: registry/image:tag@digest for nested images whose templates read the digest; one they do not read is ignored', () => {
  const chart = chartFixture('ingress-nginx');
  const analysis = analyzeValues(chart.values, chart.context);
  assert.deepEqual(rendered(analysis), [
    'controller.image k8s.gcr.io/ingress-nginx/controller:v1.1.1@sha256:0bc88eb15f9e7f84e8e56c14fa5735aaa488b840983f87bd79b1054190e660de',
    'controller.admissionWebhooks.patch.image k8s.gcr.io/ingress-nginx/kube-webhook-certgen:v1.1.1@sha256:64d8c73dca984af206adf9d6d7e46aa550362b1d7a01f3a0a91b20cc67868660',
    'defaultBackend.image k8s.gcr.io/defaultbackend-amd64:1.5',
  ]);
  const withDigest = chart.values.replace('    tag: "1.5"\n', `    tag: "1.5"\n    digest: ${DIGEST}\n`);
  const ignored = analyzeValues(withDigest, chart.context);
  assert.equal(rendered(ignored)[2], 'defaultBackend.image k8s.gcr.io/defaultbackend-amd64:1.5');
  const pinned = collectDiagnostics(ignored, DEFAULT_SETTINGS, null).find((d) => d.code === 'not-pinned');
  assert.match(pinned!.message, /not pinned to a digest \(the chart's templates do not read defaultBackend\.image\.digest\)/);
});

test('ingress-nginx: a moved tag is a stale pin on the digest value; update replaces it, unpin removes the line', () => {
  const chart = chartFixture('ingress-nginx');
  const analysis = analyzeValues(chart.values, chart.context);
  const pinnedDigest = 'sha256:0bc88eb15f9e7f84e8e56c14fa5735aaa488b840983f87bd79b1054190e660de';
  const facts = registryFacts({
    manifests: {
      'k8s.gcr.io/ingress-nginx/controller:v1.1.1': found(OTHER_DIGEST),
      [`k8s.gcr.io/ingress-nginx/controller@${pinnedDigest}`]: found(pinnedDigest),
      'k8s.gcr.io/defaultbackend-amd64:9': MISSING,
    },
  });
  assert.ok(marks(analysis, facts).includes(`stale-pin ${JSON.stringify(pinnedDigest)}`));
  const at = offsetOf(chart.values, pinnedDigest);
  const actions = computeCodeActions(analysis, at, at, DEFAULT_SETTINGS, null, facts);
  const update = actions.find((a) => a.title.startsWith('Update pinned digest'));
  assert.equal(applyEdits(chart.values, update!.edits), chart.values.replace(pinnedDigest, OTHER_DIGEST));
  const unpin = actions.find((a) => a.title.startsWith('Unpin'));
  assert.equal(applyEdits(chart.values, unpin!.edits), chart.values.replace(`    digest: ${pinnedDigest}\n`, ''));
});

test('registry findings of a values image mark its tag value', () => {
  const chart = chartFixture('bitnami');
  const text = chart.values.replace('tag: 1.4.2-debian-12-r6', 'tag: 9.9.9');
  const facts = registryFacts({ manifests: { 'docker.io/bitnami/nginx-exporter:9.9.9': MISSING } });
  assert.ok(marks(analyzeValues(text, chart.context), facts).includes('tag-not-found "9.9.9"'));
});

test('a string under image is an image field of its own; a tag YAML reads as a number is marked', () => {
  const chart = chartFixture('create');
  const text = `${chart.values.replace('tag: ""', 'tag: 1.10')}sidecar:\n  image: busybox:latest\n  imagePullPolicy: Always\n`;
  assert.deepEqual(marks(analyzeValues(text, chart.context)), [
    'redundant-pull-policy "IfNotPresent"',
    'image-not-string "1.10"',
    'not-pinned "1.10"',
    'latest-tag "latest"',
    'redundant-pull-policy "Always"',
  ]);
});

test("Argo CD's global.image stands in for a component's empty repository and tag; findings stay on the component's key", () => {
  const chart = chartFixture('create');
  // Shaped after argoproj/argo-helm charts/argo-cd/values.yaml: components leave repository and tag empty.
  const text = 'global:\n  image:\n    repository: quay.io/argoproj/argocd\n    tag: ""\ncontroller:\n  image:\n    repository: ""\n    tag: ""\n';
  const analysis = analyzeValues(text, chart.context);
  assert.deepEqual(rendered(analysis), ['global.image quay.io/argoproj/argocd:1.16.0', 'controller.image quay.io/argoproj/argocd:1.16.0']);
  assert.deepEqual(marks(analysis), ['not-pinned "quay.io/argoproj/argocd"', 'not-pinned "image"']);
});

test('a values image without pull secrets asks whether a node can pull it anonymously; one with pullSecrets does not', () => {
  const chart = chartFixture('bitnami');
  const analysis = analyzeValues(chart.values, chart.context);
  assert.deepEqual(
    anonymousPullQueries(analysis).map((q) => q.key),
    ['docker.io/bitnami/nginx', 'docker.io/bitnami/nginx-exporter'],
  );
  const facts = registryFacts({
    manifests: { 'docker.io/bitnami/nginx:1.29.1-debian-12-r0': found(DIGEST) },
    anonymous: { 'docker.io/bitnami/nginx': false },
  });
  assert.ok(marks(analysis, facts).includes('pull-would-fail "bitnami/nginx"'));
  const withSecrets = analyzeValues(chart.values.replace('  pullSecrets: []\n  debug', '  pullSecrets:\n    - regcred\n  debug'), chart.context);
  assert.deepEqual(
    anonymousPullQueries(withSecrets).map((q) => q.key),
    ['docker.io/bitnami/nginx-exporter'],
  );
  assert.ok(!marks(withSecrets, facts).some((m) => m.startsWith('pull-would-fail')));
});
