/**
 * Users' own resources (locationConfig.ts): a `.image-aware.yaml` file and the `imageAware.resources`
 * setting read by one reader, so both accept the same entries; every problem of the file is an
 * `invalid-config` finding at its exact span («…» in the inputs), an entry with a problem is left out
 * whole, and the rules that are read find images in the resources they name, under their own keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analysis';
import { locationsWith, readConfigFile, readResourceSetting } from '../../server/src/core/locationConfig';
import type { LocationConfig } from '../../server/src/core/locationConfig';
import { BUILT_IN_LOCATIONS } from '../../server/src/core/manifest/builtInLocations';
import { fastParse } from '../../server/src/core/manifest/fastParse';
import { computeInlayHints } from '../../server/src/core/features/inlayHints';
import { DEFAULT_SETTINGS, parseSettings } from '../../server/src/core/settings';
import { marked } from '../helpers/caret';

function problems(input: string): string[] {
  const { text, spans } = marked(input);
  const { findings } = readConfigFile(text);
  assert.equal(findings.length, spans.length, `one «…» per problem: ${findings.map((f) => f.message).join(' | ')}`);
  findings.forEach((f) => assert.equal(f.code, 'invalid-config'));
  assert.deepEqual(
    findings.map((f) => text.slice(f.start, f.end)),
    spans.map((s) => text.slice(s.start, s.end)),
  );
  return findings.map((f) => f.message);
}

const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n';

/** The image values a table finds in `text`, as `path value`. */
function images(text: string, config: LocationConfig): string[] {
  const analysis = analyze(text, { maxFileSize: Infinity, locations: locationsWith(config) });
  return analysis.documents.flatMap((doc) =>
    doc.analysis.fields.containers.map((c) => `${c.path} ${c.image?.value?.value ?? '-'} ${c.location.policyKey ?? '-'}=${c.pullPolicy?.value?.value ?? '-'}`),
  );
}

test('a valid file: no findings, and its rules find images in pod specs, containers and single fields', () => {
  const file = [
    'resources:',
    '  - group: example.com',
    '    kind: Widget',
    '    podSpecs: [spec.template.spec]',
    '    containers: ["spec.runners[]"]',
    '    images:',
    '      - path: spec.engine.image',
    '        pullPolicy: enginePullPolicy',
    '      - path: spec.models.*.artifact',
    '    pullSecrets: [spec.registryLogins]',
    '',
  ].join('\n');
  const { config, findings } = readConfigFile(file);
  assert.deepEqual(findings, []);
  const widget =
    WIDGET +
    [
      '  registryLogins: [login]',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: app',
      '        image: ghcr.io/acme/app:1.0',
      '      volumes:',
      '      - name: data',
      '        image: {reference: ghcr.io/acme/data:1}',
      '  runners:',
      '  - image: ghcr.io/acme/runner:2',
      '    imagePullPolicy: Always',
      '  engine:',
      '    image: ghcr.io/acme/engine:3',
      '  models:',
      '    small: {artifact: ghcr.io/acme/small:4}',
      '    large: {artifact: ghcr.io/acme/large:5}',
      '',
    ].join('\n');
  assert.deepEqual(images(widget, config), [
    'spec.runners[0] ghcr.io/acme/runner:2 imagePullPolicy=Always',
    'spec.engine ghcr.io/acme/engine:3 enginePullPolicy=-',
    'spec.models.small ghcr.io/acme/small:4 -=-',
    'spec.models.large ghcr.io/acme/large:5 -=-',
    'spec.template.spec.containers[0] ghcr.io/acme/app:1.0 imagePullPolicy=-',
    'spec.template.spec.volumes[0].image ghcr.io/acme/data:1 pullPolicy=-',
  ]);
  const analysis = analyze(widget, { maxFileSize: Infinity, locations: locationsWith(config) });
  const secrets = analysis.documents[0].analysis.fields.containers.map((c) => c.pullSecrets.map((s) => s.value).join(','));
  assert.deepEqual(secrets, ['login', 'login', 'login', 'login', 'login', 'login']);
  // The same kind in another group, and without apiVersion, is not the user's.
  assert.deepEqual(images(widget.replace('example.com/v1', 'other.io/v1'), config), []);
  assert.deepEqual(images(widget.replace('apiVersion: example.com/v1\n', ''), config), []);
  // Hints write the user's policy key.
  const hints = computeInlayHints(analysis, 0, widget.length, DEFAULT_SETTINGS).map((h) => h.label);
  assert.ok(hints.includes('enginePullPolicy = IfNotPresent'), hints.join(', '));
});

test('patterns: `*` in kind, group and apiVersion', () => {
  const config = readResourceSetting([{ apiVersion: '*.example.com/v1*', kind: '*Job', podSpecs: ['spec.pod'] }], 'imageAware.resources');
  assert.deepEqual(config.problems, []);
  const doc = (apiVersion: string, kind: string) => `apiVersion: ${apiVersion}\nkind: ${kind}\nspec:\n  pod:\n    containers: [{name: a, image: "nginx:1"}]\n`;
  assert.equal(images(doc('batch.example.com/v1beta1', 'TrainingJob'), config).length, 1);
  assert.equal(images(doc('example.com/v1', 'TrainingJob'), config).length, 0, '*.example.com needs a subdomain');
  assert.equal(images(doc('batch.example.com/v2', 'TrainingJob'), config).length, 0);
  assert.equal(images(doc('batch.example.com/v1', 'Training'), config).length, 0);
});

test('the file’s problems are findings at their exact spans, and the entries with one are left out', () => {
  assert.deepEqual(
    problems(
      [
        'resources:',
        '  - group: example.com',
        '    kind: Widget',
        '    «podSpec»: [spec.template.spec]',
        '  - group: example.com',
        '    kind: Gadget',
        '    podSpecs: ["spec«[»0]"]',
        '  - group: example.com',
        '    kind: Gizmo',
        '    images:',
        '      - path: «"spec.images[]"»',
        '  - «kind: Doohickey»',
        '  - group: example.com',
        '    kind: «Bad/Kind»',
        '    containers: [spec.a]',
        '  - group: example.com',
        '    kind: Box',
        '    containers: «spec.a»',
        '«versions»: 2',
        '',
      ].join('\n'),
    ),
    [
      'Unknown key "podSpec"; a resource has kind, group, apiVersion, podSpecs, containers, images, pullSecrets.',
      'resources[1].podSpecs[0]: "[" must be followed by "]" and opens no index: "[]" means every item (character 5 of the path).',
      'resources[2].images[0].path must end with the image\'s own key (like spec.image), not "[]".',
      'resources[3] needs either "group" or "apiVersion" (one of them).',
      '"Bad/Kind" is not a kind (letters and digits, * for any).',
      '"resources[5].containers" must be a list.',
      'Unknown key "versions": .image-aware.yaml has only "resources", "platforms" and "signatures".',
    ],
  );
});

test('every reader problem names where it is; the setting’s are sentences for the log', () => {
  const config = readResourceSetting(
    [
      { group: 'example.com', kind: 'Widget', podSpecs: ['spec..x'] },
      'nonsense',
      { kind: 'Gadget', group: 'example.com', images: [{ path: 'spec.image', pullPolicy: 'a.b' }] },
    ],
    'imageAware.resources',
  );
  assert.deepEqual(config.rules, []);
  assert.deepEqual(
    config.problems.map((p) => p.message),
    [
      'imageAware.resources[0].podSpecs[0]: Expected a key or "*" at character 6 of the path.',
      'imageAware.resources[1] must be a mapping with a kind and where its images are.',
      '"a.b" is not the key of the pull policy beside the image, like imagePullPolicy.',
    ],
  );
  // parseSettings keeps the good entries and the problems of the bad ones.
  const settings = parseSettings({ resources: [{ group: 'example.com', kind: 'Widget', podSpecs: ['spec'] }, { kind: 1 }] });
  assert.equal(settings.resources.rules.length, 1);
  assert.equal(settings.resources.problems.length, 2);
  assert.equal(parseSettings({}).resources, DEFAULT_SETTINGS.resources);
});

test('bounds: entries, paths, path length and text are limited', () => {
  const many = Array.from({ length: 101 }, (_, i) => ({ group: 'example.com', kind: `K${i}`, podSpecs: ['spec'] }));
  const config = readResourceSetting(many, 's');
  assert.equal(config.rules.length, 100);
  assert.deepEqual(
    config.problems.map((p) => p.message),
    ['At most 100 resources are read; the rest are left out.'],
  );
  const deep = Array.from({ length: 33 }, () => 'a').join('.');
  assert.match(readResourceSetting([{ group: 'g', kind: 'K', podSpecs: [deep] }], 's').problems[0].message, /at most 32 segments/);
  const paths = Array.from({ length: 33 }, () => 'spec');
  assert.match(readResourceSetting([{ group: 'g', kind: 'K', podSpecs: paths }], 's').problems[0].message, /more than 32 entries/);
  assert.match(readResourceSetting([{ group: 'g', kind: 'K'.repeat(300), podSpecs: ['spec'] }], 's').problems[0].message, /longer than 256/);
});

test('an analysis of .image-aware.yaml reports its problems; with no rules the built-in table is used as is', () => {
  const text = 'resources:\n  - group: example.com\n    kind: Widget\n    podSpecs: [spec]\n    extra: 1\n';
  const analysis = analyze(text, { maxFileSize: Infinity, fileName: '/repo/.image-aware.yaml' });
  assert.deepEqual(
    analysis.fileFindings.map((f) => [f.code, text.slice(f.start, f.end)]),
    [['invalid-config', 'extra']],
  );
  assert.deepEqual(analyze(text, { maxFileSize: Infinity, fileName: '/repo/values.yaml' }).fileFindings, []);
  assert.deepEqual(
    readConfigFile('resources: [\n').findings.map((f) => f.code),
    ['invalid-config'],
  );
  assert.equal(locationsWith(readResourceSetting([], 's')), BUILT_IN_LOCATIONS);
});

test('a user’s image key holding a block scalar is read exactly, as the fast parser declines it', () => {
  const config = readResourceSetting([{ group: 'example.com', kind: 'Widget', images: [{ path: 'spec.engineImage' }] }], 's');
  const text = `${WIDGET}  engineImage: |-\n    ghcr.io/acme/engine:3\n`;
  const table = locationsWith(config);
  assert.equal(fastParse(text, 0, text.length, table.decodedKeys), null);
  assert.deepEqual(images(text, config), ['spec ghcr.io/acme/engine:3 -=-']);
});

test('platforms.targets: the platforms workloads run on, each one checked', () => {
  const read = readConfigFile('platforms:\n  targets: [linux/amd64, Linux/AArch64, linux/arm/v7]\n');
  assert.deepEqual(read.findings, []);
  assert.deepEqual(read.config.targets, ['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
  assert.deepEqual(problems('platforms:\n  targets: [linux/amd64, «amd64», «3»]\n'), [
    '"platforms.targets[1]" must be a platform like linux/amd64 or linux/arm/v7.',
    '"platforms.targets[2]" must be a platform like linux/amd64 or linux/arm/v7.',
  ]);
  assert.deepEqual(problems('platforms: «[linux/amd64]»\n'), [
    '"platforms" must be a mapping with only a "targets" list, like targets: [linux/amd64, linux/arm64].',
  ]);
  assert.deepEqual(problems('platforms:\n  targets: «linux/amd64»\n'), ['"platforms.targets" must be a list.']);
  assert.equal(readConfigFile('resources: []\n').config.targets, undefined);
});
