/**
 * The engine's cluster flows over the real adapter and the loopback API server, whose controller
 * simulations write the statuses the deployment controller and the kubelet write: watchRollout
 * follows a rollout to kubectl's "successfully rolled out", stops on ImagePullBackOff with the
 * cause and fix (from the earlier ErrImagePull, or from the kubelet's events when the watch starts
 * during the back-off), on ErrImageNeverPull at once, and on ProgressDeadlineExceeded; setImage and
 * scale change the live object.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCluster } from '../../server/src/cluster/client';
import type { Cluster, KubeObject } from '../../server/src/cluster/types';
import { applyObjects, scale, setImage, watchRollout } from '../../server/src/engine';
import { startApiServer } from '../helpers/apiserver';
import type { ApiServer, Simulation } from '../helpers/apiserver';
import { deployment } from './setup';

let api: ApiServer;
let cluster: Cluster;

before(async () => {
  api = await startApiServer();
  cluster = await createCluster({ env: { KUBECONFIG: api.kubeconfigPath } });
});

after(async () => {
  await api?.close();
});

const ACCEPT = { confirmApply: async () => true, confirmForce: async () => false };

async function applied(object: KubeObject): Promise<void> {
  const report = await applyObjects([object], cluster, ACCEPT, { fieldManager: 'image-aware', output: () => undefined });
  assert.equal(report.results[0].outcome, 'created');
}

/**
 * Applies, then watches while the server simulates; returns what the watch said. A pull failure
 * shows ErrImagePull for one simulation step before the bare back-off message, so those steps are
 * long enough for a listing to see it even on a busy machine (the kubelet keeps it for seconds).
 */
async function rollout(object: KubeObject, simulation: Simulation, pullFailureMs = 1000) {
  await applied(object);
  const lines: string[] = [];
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: object.metadata.name ?? '', namespace: null };
  const watching = watchRollout(ref, cluster, { output: (l) => lines.push(l), timeoutMs: 10_000, pollMs: 20, pullFailureMs });
  const simulating = api.simulate({ name: ref.name }, { ...simulation, stepMs: simulation.kind === 'pull-fails' ? 300 : 40 });
  const result = await watching;
  await simulating;
  return { result, lines };
}

test('a rollout is followed to kubectl\'s "successfully rolled out"', async () => {
  const { result, lines } = await rollout(deployment('ok', 2, 'nginx:1.27'), { kind: 'rollout-ok' });
  assert.deepEqual(result, { done: true, message: 'deployment "ok" successfully rolled out', pullFailures: [] });
  assert.ok(
    lines.some((l) => /^Waiting for deployment "ok" rollout to finish: \d out of 2 new replicas have been updated\.\.\.$/.test(l)),
    lines.join('\n'),
  );
  assert.equal(lines.at(-1), 'deployment "ok" successfully rolled out');
});

test('a missing tag stops the watch on ImagePullBackOff with the cause an earlier ErrImagePull gave', async () => {
  const { result, lines } = await rollout(deployment('missing', 2, 'nginx:does-not-exist'), { kind: 'pull-fails', cause: 'tag-not-found' });
  assert.equal(result.done, false);
  const failure = result.pullFailures[0];
  // The kubelet's back-off message has no reason; the cause is the one ErrImagePull gave before.
  assert.equal(failure.reason, 'ImagePullBackOff');
  assert.equal(failure.message, 'Back-off pulling image "nginx:does-not-exist"');
  assert.equal(failure.cause, 'tag-not-found');
  assert.equal(failure.container, 'web');
  assert.equal(failure.image, 'nginx:does-not-exist');
  assert.match(failure.pod, /^missing-/);
  assert.equal(failure.fix, 'The tag "does-not-exist" of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.');
  assert.match(result.message, /^missing-\S+ cannot pull nginx:does-not-exist \(ImagePullBackOff\): The tag "does-not-exist"/);
  assert.ok(
    lines.some((l) => l.includes('ErrImagePull nginx:does-not-exist: The tag "does-not-exist"')),
    lines.join('\n'),
  );
});

test("a missing tag first seen in ImagePullBackOff gets its cause from the kubelet's events", async () => {
  const object = deployment('late', 2, 'nginx:not-there');
  await applied(object);
  await api.simulate({ name: 'late' }, { kind: 'pull-fails', cause: 'tag-not-found', stepMs: 5 });
  api.clearRequests();
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'late', namespace: null };
  const result = await watchRollout(ref, cluster, { output: () => undefined, timeoutMs: 10_000, pollMs: 20, pullFailureMs: 100 });
  assert.equal(result.done, false);
  const expected = {
    reason: 'ImagePullBackOff',
    message: 'Back-off pulling image "nginx:not-there"',
    cause: 'tag-not-found',
    fix: 'The tag "not-there" of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.',
  };
  assert.deepEqual(
    result.pullFailures.map(({ reason, message, cause, fix }) => ({ reason, message, cause, fix })),
    [expected, expected],
  );
  // Once per pod: the cause the events gave is kept.
  const eventLists = api.requests.filter((r) => r.path === '/api/v1/namespaces/default/events');
  assert.deepEqual(
    eventLists.map((r) => r.query.fieldSelector).sort(),
    result.pullFailures.map((f) => `involvedObject.kind=Pod,involvedObject.name=${f.pod},reason=Failed`).sort(),
  );
});

test('a registry that wants credentials is explained as missing imagePullSecrets', async () => {
  const { result } = await rollout(deployment('private', 2, 'registry.example.com/team/app:1.0'), { kind: 'pull-fails', cause: 'unauthorized' });
  assert.equal(result.done, false);
  assert.equal(result.pullFailures[0].cause, 'unauthorized');
  assert.match(result.pullFailures[0].fix, /^registry\.example\.com refused the pull without credentials: add imagePullSecrets/);
});

test('pull policy Never without the image stops at once', async () => {
  const { result } = await rollout(deployment('never', 1, 'app:dev', 'Never'), { kind: 'pull-fails', cause: 'never' }, 60_000);
  assert.equal(result.done, false);
  assert.equal(result.pullFailures[0].reason, 'ErrImageNeverPull');
  assert.match(result.pullFailures[0].fix, /set imagePullPolicy to IfNotPresent, or load the image onto the node/);
});

test("an exceeded progress deadline ends the watch with kubectl's error", async () => {
  const { result } = await rollout(deployment('slow', 2, 'nginx:1.27'), { kind: 'deadline-exceeded' });
  assert.deepEqual(result, { done: false, message: 'deployment "slow" exceeded its progress deadline', pullFailures: [] });
});

test('setImage and scale change the live object', async () => {
  await applied(deployment('live', 2, 'nginx:1.25'));
  const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'live', namespace: 'default' };
  await setImage(ref, 'web', 'nginx:1.27', cluster, { fieldManager: 'image-aware', dryRun: false });
  assert.equal(await scale(ref, 4, cluster, { fieldManager: 'image-aware', dryRun: false }), 'deployment.apps/live scaled');
  const live = api.get('apps/v1', 'Deployment', 'default', 'live') as KubeObject & {
    spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  };
  assert.equal(live.spec.replicas, 4);
  assert.equal(live.spec.template.spec.containers[0].image, 'nginx:1.27');
  await assert.rejects(setImage(ref, 'nope', 'x', cluster, { fieldManager: 'image-aware', dryRun: false }), {
    message: 'deployment.apps/live has no container named "nope" (it has "web").',
  });
});
