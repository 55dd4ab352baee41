/**
 * Paths of the location table (locationPaths.ts): what parses and where a bad one fails; what a walk
 * reaches, in document order, with the path people read and the name of the item it is in; and the
 * walk's budget, which stops an alias bomb behind a custom resource's path in bounded time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { locationsWith, readResourceSetting } from '../../../server/src/core/locationConfig';
import { BUILT_IN_RULES } from '../../../server/src/core/manifest/builtInLocations';
import { nameOf, parsePath, WalkBudget, walkPath, whereText } from '../../../server/src/core/manifest/locationPaths';
import type { Path } from '../../../server/src/core/manifest/locationPaths';
import type { Scope } from '../../../server/src/core/manifest/locations';
import { slowParse } from '../../../server/src/core/manifest/slowParse';

test('paths that parse', () => {
  const cases: Record<string, Path> = {
    spec: ['spec'],
    'spec.template.spec': ['spec', 'template', 'spec'],
    'spec.templates[].container': ['spec', 'templates', '[]', 'container'],
    'spec.tfReplicaSpecs.*.template.spec': ['spec', 'tfReplicaSpecs', '*', 'template', 'spec'],
    'matrix[][].image': ['matrix', '[]', '[]', 'image'],
    '*[]': ['*', '[]'],
    'metadata.annotations.example.com/image': ['metadata', 'annotations', 'example', 'com/image'],
  };
  for (const [text, path] of Object.entries(cases)) assert.deepEqual(parsePath(text), { ok: true, path }, text);
});

test('paths that do not, with the character that is wrong', () => {
  const cases: Record<string, [number, RegExp]> = {
    '': [0, /cannot be empty/],
    '.spec': [0, /Expected a key or "\*" at character 1/],
    'spec.': [5, /Expected a key or "\*" at character 6/],
    'spec..template': [5, /character 6/],
    'spec[0]': [4, /"\[" must be followed by "\]"/],
    'spec[': [4, /"\[" must be followed by "\]"/],
    'spec]': [4, /"\]" cannot appear in a key/],
    'spe*c': [3, /"\*" cannot appear in a key/],
    'a b': [1, /" " cannot appear in a key/],
    [Array.from({ length: 33 }, () => 'a').join('.')]: [64, /at most 32 segments/],
  };
  for (const [text, [start, message]] of Object.entries(cases)) {
    const parsed = parsePath(text);
    assert.equal(parsed.ok, false, JSON.stringify(text));
    if (parsed.ok) continue;
    assert.equal(parsed.start, start, JSON.stringify(text));
    assert.match(parsed.message, message, JSON.stringify(text));
  }
});

test('a walk reaches every match in document order, with its path and the nearest item', () => {
  const text = [
    'spec:',
    '  replicas:',
    '    Worker: {template: {image: w}}',
    '    Chief: {template: {image: c1}}',
    '    Chief: {template: {image: c2}}',
    '  steps:',
    '  - name: build',
    '    image: b',
    '  - image: unnamed',
    '  - 42',
    '',
  ].join('\n');
  const root = slowParse(text, 0, text.length).root!;
  const reached = (path: Path): string[] => {
    const out: string[] = [];
    walkPath({ node: root, trail: null, item: null }, path, new WalkBudget(1000), ({ node, trail, item }) =>
      out.push(`${whereText(trail)} ${node.type} ${(item && nameOf(item)) ?? '-'}`),
    );
    return out;
  };
  // The last of duplicate keys wins, as kubectl reads the object.
  assert.deepEqual(reached(['spec', 'replicas', '*', 'template']), ['spec.replicas.Worker.template map -', 'spec.replicas.Chief.template map -']);
  assert.deepEqual(reached(['spec', 'steps', '[]']), ['spec.steps[0] map build', 'spec.steps[1] map -', 'spec.steps[2] scalar -']);
  assert.deepEqual(reached(['spec', 'steps', '*']), [], '* reaches the values of a mapping, not the items of a sequence');
  assert.deepEqual(reached(['spec', 'missing', '[]']), []);
});

test('every built-in path parses and no two rules of one group claim the same kind', () => {
  const claimed = new Set<string>();
  const scopes = (scope: Scope): Scope[] => [scope, ...scope.scopes.flatMap(scopes)];
  for (const rule of BUILT_IN_RULES) {
    for (const group of rule.groups) {
      for (const kind of rule.kinds) {
        const key = `${group}/${kind}`;
        assert.ok(!claimed.has(key), `${key} has two rules`);
        claimed.add(key);
      }
    }
    for (const scope of scopes(rule.scope)) for (const field of scope.fields) assert.ok(field.path.length <= 32);
  }
  assert.ok(claimed.size >= 70, `${claimed.size} kinds`);
});

test('aliases that multiply an Argo Workflow’s containers stop at the container limit, fast, with not-analysed', () => {
  // 200 templates that are one template, each with 200 containers that are one container: 40,000 visits.
  const containers = Array.from({ length: 200 }, () => '*c').join(', ');
  const templates = Array.from({ length: 200 }, () => '*t').join(', ');
  const text =
    'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n' +
    `c0: &c {name: a, image: "busybox:1"}\nt0: &t {name: t, containerSet: {containers: [${containers}]}}\nspec:\n  templates: [${templates}]\n`;
  const began = performance.now();
  const analysis = analyze(text, { maxFileSize: Infinity });
  const elapsed = performance.now() - began;
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
  const document = analysis.documents[0].analysis;
  assert.equal(document.fields.truncated, true);
  assert.equal(document.fields.containers.length, 1, 'the one container, reached through every alias, is reported once');
  assert.deepEqual(
    document.findings.filter((f) => f.code === 'not-analysed').map((f) => f.message),
    ['This document reaches more than 5000 containers (through aliases?); the rest are not checked.'],
  );
});

test('a user path of many `*` over nine levels of nine aliases stops at the walk budget, fast', () => {
  let text = 'apiVersion: example.com/v1\nkind: Widget\nl0: &l0 {leaf: x}\n';
  for (let i = 1; i <= 9; i++) text += `l${i}: &l${i} {${Array.from({ length: 9 }, (_, j) => `k${j}: *l${i - 1}`).join(', ')}}\n`;
  text += 'spec: *l9\n';
  const config = readResourceSetting([{ group: 'example.com', kind: 'Widget', images: [{ path: 'spec.*.*.*.*.*.*.*.*.*.image' }] }], 's');
  const began = performance.now();
  const analysis = analyze(text, { maxFileSize: Infinity, locations: locationsWith(config) });
  const elapsed = performance.now() - began;
  assert.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms for 9^9 paths`);
  assert.equal(analysis.documents[0].analysis.fields.truncated, true);
  assert.ok(analysis.documents[0].analysis.findings.some((f) => f.code === 'not-analysed'));
});
