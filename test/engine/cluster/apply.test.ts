/**
 * The apply flow over a fake cluster: a server-side dry run per object gives create / update /
 * unchanged with normalized YAML on both sides; nothing is applied until the user confirms; a 409
 * asks before forcing; objects the dry run refuses are reported and skipped; cluster-wide failures
 * end the flow. Namespaces default like kubectl's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterError } from '../../../server/src/cluster/types';
import type { FieldConflict, KubeObject, ObjectRef } from '../../../server/src/cluster/types';
import { applyObjects, normalizedYaml, placeObject } from '../../../server/src/engine';
import type { ApplyPrompts, ObjectChange } from '../../../server/src/engine';
import { FakeCluster, keyOf } from './fakeCluster';

function replicasOf(object: KubeObject | undefined): unknown {
  return (object?.spec as { replicas?: number } | undefined)?.replicas;
}

function deployment(name: string, replicas: number, namespace?: string): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: namespace ? { name, namespace } : { name }, spec: { replicas } };
}

interface Recorded {
  readonly prompts: ApplyPrompts;
  readonly shown: ObjectChange[][];
  readonly forceAsked: Array<{ ref: ObjectRef; conflicts: readonly FieldConflict[] }>;
}

function prompts(apply: boolean, force = false): Recorded {
  const shown: ObjectChange[][] = [];
  const forceAsked: Array<{ ref: ObjectRef; conflicts: readonly FieldConflict[] }> = [];
  return {
    shown,
    forceAsked,
    prompts: {
      confirmApply: async (changes) => {
        shown.push([...changes]);
        return apply;
      },
      confirmForce: async (ref, conflicts) => {
        forceAsked.push({ ref, conflicts });
        return force;
      },
    },
  };
}

async function seeded(): Promise<FakeCluster> {
  const cluster = new FakeCluster();
  // What a previous apply stored: the same spec as below for "same", another for "changed".
  await cluster.apply(deployment('same', 2, 'team'), { fieldManager: 'image-aware', dryRun: false, force: false });
  await cluster.apply(deployment('changed', 1, 'team'), { fieldManager: 'image-aware', dryRun: false, force: false });
  cluster.calls.length = 0;
  return cluster;
}

const OPTIONS = { fieldManager: 'image-aware', output: () => undefined };

test('create, update and unchanged come from the dry run; only changes are applied after confirming', async () => {
  const cluster = await seeded();
  const user = prompts(true);
  const lines: string[] = [];
  const report = await applyObjects([deployment('same', 2), deployment('changed', 3), deployment('new', 1)], cluster, user.prompts, {
    ...OPTIONS,
    output: (l) => lines.push(l),
  });
  assert.deepEqual(
    user.shown[0].map((c) => [c.ref.name, c.action]),
    [
      ['same', 'unchanged'],
      ['changed', 'update'],
      ['new', 'create'],
    ],
  );
  const dryRuns = cluster.calls.filter((c) => c.method === 'apply' && (c.options as { dryRun: boolean }).dryRun);
  assert.equal(dryRuns.length, 3);
  assert.deepEqual(
    cluster.realApplies().map((c) => c.ref.name),
    ['changed', 'new'],
  );
  assert.deepEqual(
    report.results.map((r) => [r.ref.name, r.outcome]),
    [
      ['same', 'unchanged'],
      ['changed', 'configured'],
      ['new', 'created'],
    ],
  );
  assert.deepEqual(lines, ['deployment.apps/same unchanged', 'deployment.apps/changed configured', 'deployment.apps/new created']);
  assert.equal(replicasOf(cluster.objects.get(keyOf({ kind: 'Deployment', name: 'changed', namespace: 'team' }))), 3);
});

test('the diff shows normalized YAML: no server bookkeeping, keys sorted', async () => {
  const cluster = await seeded();
  const user = prompts(false);
  await applyObjects([deployment('changed', 3)], cluster, user.prompts, OPTIONS);
  const [change] = user.shown[0];
  assert.equal(
    change.live,
    ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: changed', '  namespace: team', 'spec:', '  replicas: 1', ''].join('\n'),
  );
  assert.equal(change.proposed, change.live.replace('replicas: 1', 'replicas: 3'));
  assert.equal(normalizedYaml(null), '');
  assert.equal(
    normalizedYaml({ kind: 'K', apiVersion: 'v1', metadata: { uid: 'u', name: 'n', labels: { b: '2', a: '1' }, managedFields: [] }, status: { x: 1 } }),
    ['apiVersion: v1', 'kind: K', 'metadata:', '  labels:', '    a: "1"', '    b: "2"', '  name: n', ''].join('\n'),
  );
});

test('declining the confirmation applies nothing', async () => {
  const cluster = await seeded();
  const lines: string[] = [];
  const report = await applyObjects([deployment('changed', 5), deployment('new', 1)], cluster, prompts(false).prompts, {
    ...OPTIONS,
    output: (l) => lines.push(l),
  });
  assert.equal(report.confirmed, false);
  assert.deepEqual(report.results, []);
  assert.deepEqual(cluster.realApplies(), []);
  assert.equal(cluster.objects.has(keyOf({ kind: 'Deployment', name: 'new', namespace: 'team' })), false);
  assert.deepEqual(lines, ['Apply cancelled: nothing was changed.']);
});

test('nothing to change: no question, nothing applied', async () => {
  const cluster = await seeded();
  const user = prompts(true);
  const report = await applyObjects([deployment('same', 2)], cluster, user.prompts, OPTIONS);
  assert.deepEqual(user.shown, []);
  assert.deepEqual(cluster.realApplies(), []);
  assert.deepEqual(
    report.results.map((r) => r.outcome),
    ['unchanged'],
  );
});

const CONFLICTS: FieldConflict[] = [
  { manager: 'kubectl-client-side-apply', field: '.spec.replicas', message: 'conflict with "kubectl-client-side-apply" using apps/v1' },
];

test('a 409 asks before forcing; yes re-applies with force', async () => {
  const cluster = await seeded();
  cluster.conflicts.set(keyOf({ kind: 'Deployment', name: 'changed', namespace: 'team' }), CONFLICTS);
  const user = prompts(true, true);
  const report = await applyObjects([deployment('changed', 4)], cluster, user.prompts, OPTIONS);
  // The dry run shows what a forced apply would store, with the conflicts.
  assert.deepEqual(user.shown[0][0].conflicts, CONFLICTS);
  assert.match(user.shown[0][0].proposed, /replicas: 4/);
  assert.deepEqual(user.forceAsked, [{ ref: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'changed', namespace: 'team' }, conflicts: CONFLICTS }]);
  assert.deepEqual(
    cluster.realApplies().map((c) => (c.options as { force: boolean }).force),
    [false, true],
  );
  assert.equal(report.results[0].outcome, 'configured');
  assert.equal(replicasOf(cluster.objects.get(keyOf({ kind: 'Deployment', name: 'changed', namespace: 'team' }))), 4);
});

test('a 409 whose force is declined is not applied', async () => {
  const cluster = await seeded();
  cluster.conflicts.set(keyOf({ kind: 'Deployment', name: 'changed', namespace: 'team' }), CONFLICTS);
  const lines: string[] = [];
  const report = await applyObjects([deployment('changed', 4)], cluster, prompts(true, false).prompts, { ...OPTIONS, output: (l) => lines.push(l) });
  assert.deepEqual(
    cluster.realApplies().map((c) => (c.options as { force: boolean }).force),
    [false],
  );
  assert.equal(report.results[0].outcome, 'not-forced');
  assert.equal(replicasOf(cluster.objects.get(keyOf({ kind: 'Deployment', name: 'changed', namespace: 'team' }))), 1);
  assert.match(lines[0], /^deployment\.apps\/changed not applied: /);
});

test("namespaces: the object's own, else the context's for namespaced kinds, none for cluster-scoped", async () => {
  const cluster = new FakeCluster();
  assert.equal((await placeObject(deployment('a', 1), cluster)).metadata.namespace, 'team');
  assert.equal((await placeObject(deployment('a', 1, 'prod'), cluster)).metadata.namespace, 'prod');
  const ns = await placeObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', namespace: 'oops' } }, cluster);
  assert.deepEqual(ns.metadata, { name: 'dev' });
  await applyObjects([deployment('a', 1), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } }], cluster, prompts(true).prompts, OPTIONS);
  assert.deepEqual(
    cluster.realApplies().map((c) => c.ref.namespace),
    ['team', null],
  );
});

test('objects the dry run refuses are reported and skipped; the rest go on', async () => {
  const cluster = new FakeCluster();
  cluster.failures.set(
    keyOf({ kind: 'Deployment', name: 'bad', namespace: 'team' }),
    new ClusterError('The API server rejected it: spec.replicas: Invalid value', 'invalid', 422),
  );
  const lines: string[] = [];
  const widget: KubeObject = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
  const report = await applyObjects([deployment('bad', -1), widget, deployment('good', 1)], cluster, prompts(true).prompts, {
    ...OPTIONS,
    output: (l) => lines.push(l),
  });
  assert.deepEqual(
    report.refused.map((r) => r.ref.name),
    ['bad', 'w'],
  );
  assert.deepEqual(
    cluster.realApplies().map((c) => c.ref.name),
    ['good'],
  );
  assert.match(lines[0], /^deployment\.apps\/bad failed \(server dry run\): The API server rejected it/);
  assert.match(lines[1], /^widget\.example\.com\/w failed \(server dry run\): no kind Widget/);
});

test('a cluster-wide failure ends the flow with that error', async () => {
  const cluster = new FakeCluster();
  const down = new ClusterError('Cannot reach the API server', 'unreachable');
  cluster.failures.set(keyOf({ kind: 'Deployment', name: 'a', namespace: 'team' }), down);
  await assert.rejects(applyObjects([deployment('a', 1), deployment('b', 1)], cluster, prompts(true).prompts, OPTIONS), down);
  assert.deepEqual(cluster.realApplies(), []);
});

test('an aborted signal stops before anything is sent', async () => {
  const cluster = new FakeCluster();
  const controller = new AbortController();
  controller.abort(new Error('cancelled'));
  await assert.rejects(applyObjects([deployment('a', 1)], cluster, prompts(true).prompts, { ...OPTIONS, signal: controller.signal }), /cancelled/);
  assert.deepEqual(cluster.calls, []);
});

/** A cluster that, like a real API server, refuses namespaced objects in a namespace that does not exist. */
class NamespacedCluster extends FakeCluster {
  override async apply(object: KubeObject, options: Parameters<FakeCluster['apply']>[1]): Promise<KubeObject> {
    const namespace = object.metadata.namespace;
    if (object.kind !== 'Namespace' && namespace && !this.objects.has(keyOf({ kind: 'Namespace', name: namespace, namespace: null }))) {
      this.calls.push({
        method: 'apply',
        ref: { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name ?? '', namespace },
        options,
        body: object,
      });
      throw new ClusterError(`Not found: namespaces "${namespace}" not found.`, 'not-found', 404);
    }
    return super.apply(object, options);
  }
}

test('a Namespace and objects in it, in one file: the namespace is created first, then its objects (as kubectl apply does)', async () => {
  const cluster = new NamespacedCluster();
  const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } };
  const recorded = prompts(true);
  const report = await applyObjects([namespace, deployment('web', 2, 'fresh')], cluster, recorded.prompts, OPTIONS);
  assert.deepEqual(report.refused, []);
  assert.deepEqual(
    recorded.shown[0].map((c) => [c.ref.kind, c.action]),
    [
      ['Namespace', 'create'],
      ['Deployment', 'create'],
    ],
  );
  assert.match(recorded.shown[0][1].proposed, /replicas: 2/);
  assert.deepEqual(
    report.results.map((r) => [r.ref.kind, r.outcome]),
    [
      ['Namespace', 'created'],
      ['Deployment', 'created'],
    ],
  );
  assert.equal(replicasOf(cluster.objects.get('Deployment/fresh/web')), 2);

  // A namespace that nothing in the file creates is still refused by the dry run.
  const other = await applyObjects([deployment('web', 2, 'absent')], new NamespacedCluster(), prompts(true).prompts, OPTIONS);
  assert.equal(other.refused.length, 1);
  assert.match(other.refused[0].message, /namespaces "absent" not found/);
});
