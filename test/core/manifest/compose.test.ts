/**
 * Compose files (manifest/composeLocations.ts), known by name, on the Compose specification's own
 * examples and a real file from docker/awesome-compose (test/fixtures/compose/, each citing its
 * source): `services.*.image` with `pull_policy` in Compose's vocabulary, `${VAR}` templated, a
 * service with `build` pulling nothing; hover, inlay hints, completion and quick fixes say Compose's
 * rule, never Kubernetes' imagePullPolicy; pinning edits only the image scalars.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyze } from '../../../server/src/core/analysis';
import type { Analysis } from '../../../server/src/core/analysis';
import { pinFileEdits } from '../../../server/src/core/edits/pinEdits';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import { computeCodeActions } from '../../../server/src/core/features/codeActions';
import { computeCompletions } from '../../../server/src/core/features/completion';
import { collectDiagnostics } from '../../../server/src/core/features/diagnostics';
import { computeHover } from '../../../server/src/core/features/hover';
import { computeImageTokens } from '../../../server/src/core/features/imageTokens';
import { computeInlayHints } from '../../../server/src/core/features/inlayHints';
import { anonymousPullQueries, factQueries, imageSites } from '../../../server/src/core/imageSites';
import { isComposeFile } from '../../../server/src/core/manifest/composeLocations';
import { DEFAULT_SETTINGS } from '../../../server/src/core/settings';
import { caret } from '../../helpers/caret';
import { assertOnlyEditedBytesChanged } from '../../helpers/edits';
import { found, MISSING, registryFacts } from '../../helpers/facts';
import { checkGolden } from '../../helpers/golden';

const FIXTURES = resolve(__dirname, '../../../../test/fixtures/compose');

function fixture(path: string): string {
  return readFileSync(join(FIXTURES, path), 'utf8');
}

function analyse(text: string, fileName = 'compose.yaml'): Analysis {
  return analyze(text, { maxFileSize: 1 << 20, fileName });
}

function findings(analysis: Analysis): string[] {
  return collectDiagnostics(analysis, DEFAULT_SETTINGS, null).map((d) => `${d.code} ${analysis.text.slice(d.start, d.end)}`);
}

test('Compose files are known by their names, overrides included', () => {
  for (const name of ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml', 'docker-compose.override.yml', 'dir/compose.prod.yaml']) {
    assert.equal(isComposeFile(name), true, name);
  }
  for (const name of ['composer.yaml', 'my-compose.yaml', 'compose.json', 'deployment.yaml', 'compose.yaml.bak'])
    assert.equal(isComposeFile(name), false, name);
});

test("the specification's image examples: each service's image, templated interpolation, a built image that pulls nothing", () => {
  const analysis = analyse(fixture('compose.yaml'));
  assert.deepEqual(
    analysis.documents[0].analysis.fields.containers.map((c) => `${c.path}: ${c.image?.value?.value} (${c.location.policy?.defaultFor('').policy})`),
    [
      'services.cache: redis (missing)',
      'services.cache5: redis:5 (missing)',
      'services.pinned: redis@sha256:0ed5d5928d4737458944eb604cc8509e245c3e19d02ad83935398bc4b991aac7 (missing)',
      'services.library: library/redis (missing)',
      'services.hub: docker.io/library/redis (missing)',
      'services.private: my_private.registry:5000/redis (missing)',
      'services.interpolated: ${REDIS_IMAGE:-redis:7} (missing)',
      'services.webapp: webapp:tag (build)',
    ],
  );
  assert.deepEqual(findings(analysis), [
    'implicit-latest redis',
    'not-pinned redis:5',
    'implicit-latest library/redis',
    'implicit-latest docker.io/library/redis',
    // The default for an untagged image, written out.
    'redundant-pull-policy missing',
    // The specification's own example has a "_" in its registry host, which Docker's reference grammar rejects.
    'invalid-reference _',
    'templated-image ${REDIS_IMAGE:-redis:7}',
  ]);
  // `missing` pulls an untagged image every time all the same, which the message says in Compose's words.
  const message = collectDiagnostics(analysis, DEFAULT_SETTINGS, null)[0].message;
  assert.equal(
    message,
    '"redis" has no tag, so it means "redis:latest": whatever was pushed last, pulled on every docker compose up (pull_policy defaults to missing).',
  );
  // The built image is no registry question and no pin.
  assert.equal(
    imageSites(analysis).some((s) => s.ref.input === 'webapp:tag'),
    false,
  );
});

test("a real Compose file: only the images, not the comment's, with exact spans", () => {
  const text = fixture('wordpress-mysql/compose.yaml');
  const analysis = analyse(text);
  assert.deepEqual(findings(analysis), ['not-pinned mariadb:10.6.4-focal', 'latest-tag latest', 'latest-tag latest']);
  assert.deepEqual(
    computeImageTokens(analysis).map((t) => `${t.type} ${text.slice(t.start, t.end)}`),
    ['imageRepository mariadb', 'imageTag 10.6.4-focal', 'imageRepository wordpress', 'imageTag latest', 'imageRepository wordpress', 'imageTag latest'],
  );
});

test('pull_policy: Compose values are accepted and coloured, Kubernetes ones are not, with a hint at the case', () => {
  const text =
    'services:\n  a:\n    image: nginx:1.27\n    pull_policy: every_12h\n  b:\n    image: nginx:1.27\n    pull_policy: IfNotPresent\n  c:\n    image: nginx:1.27\n    pull_policy: Always\n';
  const analysis = analyse(text, 'docker-compose.yml');
  assert.deepEqual(
    findings(analysis).filter((f) => f.startsWith('invalid-pull-policy')),
    ['invalid-pull-policy IfNotPresent', 'invalid-pull-policy Always'],
  );
  const messages = collectDiagnostics(analysis, DEFAULT_SETTINGS, null)
    .filter((d) => d.code === 'invalid-pull-policy')
    .map((d) => d.message);
  assert.equal(
    messages[1],
    'pull_policy "Always" is not one of always, never, missing, if_not_present, build, daily, weekly, every_<duration>; Docker Compose rejects it ' +
      '(the value is case-sensitive: "always").',
  );
  assert.deepEqual(
    computeImageTokens(analysis)
      .filter((t) => t.type === 'imagePullPolicy')
      .map((t) => text.slice(t.start, t.end)),
    ['every_12h'],
  );
  const fix = computeCodeActions(analysis, text.indexOf('Always'), text.indexOf('Always'), DEFAULT_SETTINGS).map((a) => a.title);
  assert.deepEqual(fix.slice(0, 2), ['Change pull_policy to missing', 'Change pull_policy to always']);
  assert.equal(
    fix.some((t) => t.includes('imagePullPolicy') || t.includes('IfNotPresent')),
    false,
  );
});

test("hover and inlay hint: Compose's rule and its words, no imagePullPolicy", () => {
  const text = fixture('compose.yaml');
  const analysis = analyse(text);
  const lines = computeHover(analysis, text.indexOf('redis:5') + 1)!.markdown.split('\n');
  assert.ok(
    lines.includes(
      '**pull_policy: missing** (default). Docker Compose defaults pull_policy to missing when the service has no build section (the Compose specification, pull_policy). ' +
        "With missing, Compose pulls the image only if the engine doesn't have it; an image with the tag latest (or no tag) is pulled every time all the same.",
    ),
    lines.join('\n'),
  );
  assert.ok(lines.includes('The tag can be pushed again, and new containers then run different bytes.'));
  assert.equal(
    lines.some((l) => l.includes('imagePullPolicy') || l.includes('kubelet')),
    false,
  );
  const interpolated = computeHover(analysis, text.indexOf('${REDIS_IMAGE') + 3)!.markdown.split('\n');
  assert.deepEqual(interpolated.slice(-1), ['When `REDIS_IMAGE` is unset or empty, the image is `redis:7`.']);
  const built = computeHover(analysis, text.indexOf('webapp:tag') + 1)!.markdown;
  assert.match(built, /\*\*pull_policy: build\*\* \(default\)\. Docker Compose defaults pull_policy to build because the service has a build section/);
  const hints = computeInlayHints(analysis, 0, text.length, DEFAULT_SETTINGS).map((h) => h.label);
  assert.deepEqual(hints, ['pull_policy = missing', 'pull_policy = missing', 'pull_policy = missing', 'pull_policy = build']);
});

test('completion of pull_policy offers Compose values, the default preselected', () => {
  const { text, offset } = caret('services:\n  web:\n    image: nginx:1.27\n    pull_policy: |\n');
  const list = computeCompletions(analyse(text), offset, null);
  assert.deepEqual(
    list?.items.map((i) => `${i.label}${i.preselect ? ' *' : ''}`),
    ['missing *', 'always', 'never', 'build', 'daily', 'weekly'],
  );
});

test('registry: a missing tag is reported; no pull-would-fail and no anonymous probe, since Compose pulls with your credentials', () => {
  const text = 'services:\n  api:\n    image: ghcr.io/acme/api:9.9\n  web:\n    image: ghcr.io/acme/web:1\n';
  const analysis = analyse(text);
  const facts = registryFacts({
    manifests: { 'ghcr.io/acme/api:9.9': MISSING, 'ghcr.io/acme/web:1': found('sha256:' + 'b'.repeat(64)) },
    anonymous: { 'ghcr.io/acme/web': false },
  });
  assert.deepEqual(
    collectDiagnostics(analysis, DEFAULT_SETTINGS, null, facts)
      .filter((d) => d.origin === 'registry')
      .map((d) => `${d.code} ${text.slice(d.start, d.end)}`),
    ['tag-not-found 9.9'],
  );
  assert.deepEqual(anonymousPullQueries(analysis), []);
});

for (const path of ['compose.yaml', 'wordpress-mysql/compose.yaml']) {
  test(`pinning every image of ${path} changes only the image scalars`, () => {
    const text = fixture(path);
    const analysis = analyse(text);
    const digest = (key: string): string => `sha256:${createHash('sha256').update(key).digest('hex')}`;
    const facts = registryFacts({ manifests: Object.fromEntries(factQueries(analysis).map((q) => [q.key, found(digest(q.key))])) });
    const { pins, refused } = pinFileEdits(analysis, facts, DEFAULT_SETTINGS.pin);
    assert.deepEqual(refused, []);
    const edits = pins.map((p) => p.edit);
    const after = applyEdits(text, edits);
    assertOnlyEditedBytesChanged(text, after, edits);
    checkGolden(`compose.${path.replace(/\/.*$/, '').replace(/\.yaml$/, '')}.pinned`, text, after);
  });
}
