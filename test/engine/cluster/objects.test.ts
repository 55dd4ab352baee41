/**
 * manifestObjects reads a file as kubectl apply does: one object per document, `List` items
 * expanded, YAML 1.1 scalars, documents numbered as in the core's Analysis, and documents that
 * cannot be applied kept with a reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { displayName, manifestObjects } from '../../../server/src/engine';

const FILE = [
  '# leading comment',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  paused: yes',
  '---',
  '# only a comment',
  '---',
  'apiVersion: v1',
  'kind: List',
  'items:',
  '  - apiVersion: v1',
  '    kind: ConfigMap',
  '    metadata: {name: one}',
  '  - apiVersion: v1',
  '    kind: ConfigMap',
  '    metadata: {name: two}',
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata: {}',
  '---',
  'apiVersion: kustomize.config.k8s.io/v1beta1',
  'kind: Kustomization',
  'metadata: {name: k}',
  '---',
  'key: [unclosed',
  '',
].join('\n');

test('one object per document, with the same index as the Analysis documents', () => {
  const objects = manifestObjects(FILE);
  const analysis = analyze(FILE, { maxFileSize: 1 << 20 });
  assert.deepEqual(
    objects.map((o) => [o.index, o.object?.metadata.name ?? null]),
    [
      [0, 'web'],
      [2, 'one'],
      [2, 'two'],
      [3, null],
      [4, null],
      [5, null],
    ],
  );
  for (const object of objects) {
    assert.equal(object.start, analysis.documents[object.index].start);
    assert.equal(object.end, analysis.documents[object.index].end);
  }
});

test('YAML 1.1 like kubectl: yes is a boolean', () => {
  const [web] = manifestObjects(FILE);
  assert.deepEqual(web.object?.spec, { paused: true });
});

test('documents that cannot be applied say why', () => {
  const problems = manifestObjects(FILE)
    .filter((o) => o.problem !== null)
    .map((o) => o.problem);
  assert.equal(problems[0], 'This document cannot be applied: it has no metadata.name.');
  assert.match(problems[1] ?? '', /kustomization is built, not applied: use `kubectl apply -k`/);
  assert.match(problems[2] ?? '', /^YAML error: /);
});

test('an empty file has no objects', () => {
  assert.deepEqual(manifestObjects(''), []);
  assert.deepEqual(manifestObjects('# nothing\n---\n'), []);
});

test('an alias bomb is refused, not expanded', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...'bcdefghij'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefghij'[i]}`).join(', ')}]`),
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: x}',
  ].join('\n');
  const [only] = manifestObjects(bomb);
  assert.equal(only.object, null);
  assert.match(only.problem ?? '', /^YAML error: .*alias/i);
});

test("displayName is kubectl's kind.group/name", () => {
  assert.equal(displayName({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }), 'deployment.apps/web');
  assert.equal(displayName({ apiVersion: 'v1', kind: 'Service', name: 'web' }), 'service/web');
  assert.equal(displayName({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' }), 'widget.example.com/w');
});

test('a document nested deeper than the analysis reads is refused, not a crash, however often it is read', () => {
  const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
  const file = `${deep}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: flat}\n`;
  for (let i = 0; i < 3; i++) {
    const [first, second] = manifestObjects(file);
    assert.equal(first.object, null);
    assert.equal(first.problem, 'This document nests deeper than 256 levels, so it is not a Kubernetes object to apply.');
    assert.equal(second.object?.metadata.name, 'flat');
  }
});
