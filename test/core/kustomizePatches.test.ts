/**
 * kustomizationPatches and the patch role in collectDiagnostics: a file a kustomization applies as a
 * patch names only what it changes, so its containers get no missing-image. The kustomizations are
 * kustomize's own examples and tests (test/fixtures/kustomize, each file names its source).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_SETTINGS } from '../../server/src/core/settings';
import { collectDiagnostics } from '../../server/src/core/features/diagnostics';
import { kustomizationPatches, MAX_KUSTOMIZATION_CHARS } from '../../server/src/core/kustomize/kustomization';
import { fileFacts } from '../../server/src/core/workspace';
import { analyzeText } from '../helpers/manifests';

/** This file compiles to out/test/core/, so the repository root is three levels up. */
const KUSTOMIZE = resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'kustomize');

function fixture(path: string): string {
  return readFileSync(resolve(KUSTOMIZE, path), 'utf8');
}

test('patches: entries with a path (kustomize examples/springboot)', () => {
  assert.deepEqual(kustomizationPatches(fixture('springboot/overlays/production/kustomization.yaml')), [
    'patch.yaml',
    'healthcheck_patch.yaml',
    'memorylimit_patch.yaml',
  ]);
  assert.deepEqual(kustomizationPatches(fixture('springboot/base/kustomization.yaml')), []);
});

test('patchesStrategicMerge: file names, not inline patches (kustomize api/krusty tests)', () => {
  assert.deepEqual(kustomizationPatches(fixture('complex-composition/config/kustomization.yaml')), ['sts-patch.yaml']);
  // api/krusty/inlinepatch_test.go (TestStrategicMergePatchInline): an inline patch is no file.
  const inline = 'resources:\n- deployment.yaml\n\npatchesStrategicMerge:\n- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: nginx\n';
  assert.deepEqual(kustomizationPatches(inline), []);
  const flowAndParent = 'patchesStrategicMerge:\n- {apiVersion: v1, kind: Pod, metadata: {name: x}}\n- ../shared/patch.yaml\n';
  assert.deepEqual(kustomizationPatches(flowAndParent), ['../shared/patch.yaml']);
});

test('patchesJson6902: entries with a path (api/krusty/complexcomposition_test.go, writeStorageOverlay)', () => {
  const storage = [
    'resources:\n- ../base\npatchesJson6902:',
    '- target:\n    group: apps\n    version: v1\n    kind: StatefulSet\n    name: my-sts\n  path: sts-patch.json\n',
  ].join('\n');
  assert.deepEqual(kustomizationPatches(storage), ['sts-patch.json']);
});

test('kustomizationPatches: inline and remote entries are skipped, and the input is bounded', () => {
  const mixed = 'patches:\n- patch: |-\n    - op: add\n- path: https://example.com/p.yaml\n- path: ""\n- path: a.yaml\n  target: {kind: Deployment}\n';
  assert.deepEqual(kustomizationPatches(mixed), ['a.yaml']);
  assert.deepEqual(kustomizationPatches(`patches:\n- path: a.yaml\n#${'x'.repeat(MAX_KUSTOMIZATION_CHARS)}\n`), []);
  const many = `patches:\n${Array.from({ length: 1500 }, (_, i) => `- path: p${i}.yaml\n`).join('')}`;
  assert.equal(kustomizationPatches(many).length, 1000);
  assert.deepEqual(kustomizationPatches('patches: [\n'), []);
});

test('fileFacts lists patches only for a file kustomize reads as a kustomization', () => {
  const text = fixture('springboot/overlays/production/kustomization.yaml');
  const listed = ['patch.yaml', 'healthcheck_patch.yaml', 'memorylimit_patch.yaml'];
  assert.deepEqual(fileFacts(analyzeText(text, 'overlays/production/kustomization.yaml')).patches, listed);
  assert.deepEqual(fileFacts(analyzeText(text, 'overlays/production/Kustomization')).patches.length, 3);
  assert.deepEqual(fileFacts(analyzeText(text, 'overlays/production/other.yaml')).patches, []);
});

test('collectDiagnostics: a patch file gets no missing-image, and keeps its other findings', () => {
  const written = fixture('springboot/overlays/production/healthcheck_patch.yaml');
  const patch = written.replace('- name: sbdemo\n', '- name: sbdemo\n          imagePullPolicy: always\n');
  const codes = (role?: { patch: boolean }): string[] => collectDiagnostics(analyzeText(patch), DEFAULT_SETTINGS, null, null, role).map((d) => d.code);
  assert.deepEqual(codes(), ['missing-image', 'invalid-pull-policy']);
  assert.deepEqual(codes({ patch: false }), ['missing-image', 'invalid-pull-policy']);
  assert.deepEqual(codes({ patch: true }), ['invalid-pull-policy']);
});
