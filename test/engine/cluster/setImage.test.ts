/**
 * Set image builds kubectl set image's strategic-merge patch from the live object (the container by
 * name, $setElementOrder for its list) for every kind with a pod template, and writes the file edit
 * through the core's replaceScalar: only the image scalar changes, in its own quoting, comments and
 * line endings stay. Scale validates and sends the scale subresource call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analysis';
import { applyEdits } from '../../../server/src/core/edits/textEdit';
import type { KubeObject } from '../../../server/src/cluster/types';
import { containersOf, scale, setImage, setImageFileEdit, setImagePatch } from '../../../server/src/engine';
import { FakeCluster } from './fakeCluster';

const POD_SPEC = {
  initContainers: [{ name: 'migrate', image: 'tools:1' }],
  containers: [
    { name: 'web', image: 'nginx:1.25' },
    { name: 'sidecar', image: 'envoy:1' },
  ],
};

function deployment(): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'team' }, spec: { template: { spec: POD_SPEC } } };
}

test('the patch names the container and keeps the list order, like kubectl set image', () => {
  assert.deepEqual(setImagePatch(deployment(), 'web', 'nginx:1.27'), {
    spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ image: 'nginx:1.27', name: 'web' }] } } },
  });
  assert.deepEqual(setImagePatch(deployment(), 'migrate', 'tools:2'), {
    spec: { template: { spec: { '$setElementOrder/initContainers': [{ name: 'migrate' }], initContainers: [{ image: 'tools:2', name: 'migrate' }] } } },
  });
  const cron: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'c' },
    spec: { jobTemplate: { spec: { template: { spec: POD_SPEC } } } },
  };
  assert.deepEqual(setImagePatch(cron, 'sidecar', 'envoy:2'), {
    spec: {
      jobTemplate: {
        spec: {
          template: { spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ image: 'envoy:2', name: 'sidecar' }] } },
        },
      },
    },
  });
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: POD_SPEC };
  assert.deepEqual(setImagePatch(pod, 'web', 'nginx:2'), {
    spec: { '$setElementOrder/containers': [{ name: 'web' }, { name: 'sidecar' }], containers: [{ image: 'nginx:2', name: 'web' }] },
  });
  assert.equal(setImagePatch(deployment(), 'nope', 'x'), null);
  assert.equal(setImagePatch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, 'web', 'x'), null);
  assert.deepEqual(containersOf(deployment()), ['migrate', 'web', 'sidecar']);
});

test('setImage reads the live object, then patches it', async () => {
  const cluster = new FakeCluster();
  cluster.put(deployment());
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'team' };
  await setImage(ref, 'web', 'nginx:1.27', cluster, { fieldManager: 'image-aware', dryRun: false });
  assert.deepEqual(
    cluster.calls.map((c) => c.method),
    ['get', 'patch'],
  );
  assert.deepEqual(cluster.calls[1].options, { fieldManager: 'image-aware', dryRun: false });
  assert.deepEqual(cluster.calls[1].body, setImagePatch(deployment(), 'web', 'nginx:1.27'));
  await assert.rejects(setImage(ref, 'nope', 'x', cluster, { fieldManager: 'image-aware', dryRun: false }), {
    message: 'deployment.apps/web has no container named "nope" (it has "migrate", "web", "sidecar").',
  });
  await assert.rejects(setImage({ ...ref, name: 'gone' }, 'web', 'x', cluster, { fieldManager: 'image-aware', dryRun: false }), {
    message: 'deployment.apps/gone does not exist in namespace "team" of context "fake".',
  });
});

const BEFORE = [
  '# the web tier\r',
  'apiVersion: v1\r',
  'kind: ConfigMap\r',
  'metadata: {name: settings}\r',
  '---\r',
  'apiVersion: apps/v1\r',
  'kind: Deployment\r',
  'metadata:\r',
  '  name: web # keep me\r',
  'spec:\r',
  '  template:\r',
  '    spec:\r',
  '      containers:\r',
  '        - name: web\r',
  "          image: 'nginx:1.25' # pinned later\r",
  '        - {name: sidecar, image: "envoy:1"}\r',
  '',
].join('\n');

test('the file edit replaces only the image scalar, in its own quoting (golden)', () => {
  const analysis = analyze(BEFORE, { maxFileSize: 1 << 20 });
  const edit = setImageFileEdit(analysis, 1, 'web', 'nginx:1.27');
  assert.ok(edit);
  assert.equal(applyEdits(BEFORE, [edit]), BEFORE.replace("'nginx:1.25'", "'nginx:1.27'"));
  const flow = setImageFileEdit(analysis, 1, 'sidecar', 'envoy:2');
  assert.ok(flow);
  assert.equal(applyEdits(BEFORE, [flow]), BEFORE.replace('"envoy:1"', '"envoy:2"'));
  assert.equal(setImageFileEdit(analysis, 0, 'web', 'x'), null);
  assert.equal(setImageFileEdit(analysis, 1, 'nope', 'x'), null);
  assert.equal(setImageFileEdit(analysis, 7, 'web', 'x'), null);
});

test('scale sends the replicas and answers like kubectl; bad counts are refused before sending', async () => {
  const cluster = new FakeCluster();
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'team' };
  assert.equal(await scale(ref, 3, cluster, { fieldManager: 'image-aware', dryRun: false }), 'deployment.apps/web scaled');
  assert.equal(await scale(ref, 0, cluster, { fieldManager: 'image-aware', dryRun: true }), 'deployment.apps/web scaled (server dry run)');
  assert.deepEqual(
    cluster.calls.map((c) => [c.method, c.body]),
    [
      ['scale', 3],
      ['scale', 0],
    ],
  );
  await assert.rejects(scale(ref, -1, cluster, { fieldManager: 'image-aware', dryRun: false }), /whole number of 0 or more, not -1/);
  await assert.rejects(scale(ref, 1.5, cluster, { fieldManager: 'image-aware', dryRun: false }), /not 1\.5/);
  assert.equal(cluster.calls.length, 2);
});
