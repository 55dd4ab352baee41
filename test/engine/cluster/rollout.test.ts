/**
 * rolloutStatus gives kubectl's rollout status messages (polymorphichelpers/rollout_status.go) for
 * every case of Deployment, DaemonSet and StatefulSet; pullFailures explains each kubelet pull
 * failure (messages as containerd and docker word them; for a back-off, the kubelet's pull failure
 * event); watchRollout follows a fake cluster's events to done, to a persisting pull failure, to a
 * timeout, a deletion or an abort.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterError } from '../../../server/src/cluster/types';
import type { KubeObject } from '../../../server/src/cluster/types';
import { hasRolloutStatus, pullFailures, rolloutStatus, selectorString, watchRollout } from '../../../server/src/engine';
import { ManualClock } from '../../helpers/clock';
import { FakeCluster } from './fakeCluster';

function workload(kind: string, generation: number, spec: object, status: object, apiVersion = 'apps/v1'): KubeObject {
  return { apiVersion, kind, metadata: { name: 'web', namespace: 'team', generation }, spec, status };
}

function check(object: KubeObject, message: string, done = false, failed = false): void {
  assert.deepEqual(rolloutStatus(object), { done, failed, message });
}

test("Deployment: every branch of kubectl's viewer", () => {
  const spec = { replicas: 3 };
  check(workload('Deployment', 2, spec, { observedGeneration: 1 }), 'Waiting for deployment spec update to be observed...');
  check(
    workload('Deployment', 2, spec, { observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }),
    'deployment "web" exceeded its progress deadline',
    false,
    true,
  );
  check(
    workload('Deployment', 2, spec, { observedGeneration: 2, updatedReplicas: 1, replicas: 3 }),
    'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
  );
  check(
    workload('Deployment', 2, spec, { observedGeneration: 2, updatedReplicas: 3, replicas: 4 }),
    'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
  );
  check(
    workload('Deployment', 2, spec, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
    'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
  );
  check(
    workload('Deployment', 2, spec, { observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
    'deployment "web" successfully rolled out',
    true,
  );
  // Progressing with another reason is no failure.
  check(
    workload('Deployment', 1, spec, {
      observedGeneration: 1,
      updatedReplicas: 3,
      replicas: 3,
      availableReplicas: 3,
      conditions: [{ type: 'Progressing', reason: 'NewReplicaSetAvailable' }],
    }),
    'deployment "web" successfully rolled out',
    true,
  );
});

test("DaemonSet: every branch of kubectl's viewer", () => {
  const rolling = { updateStrategy: { type: 'RollingUpdate' } };
  check(workload('DaemonSet', 1, { updateStrategy: { type: 'OnDelete' } }, {}), 'rollout status is only available for RollingUpdate strategy type', true, true);
  check(workload('DaemonSet', 2, rolling, { observedGeneration: 1 }), 'Waiting for daemon set spec update to be observed...');
  check(
    workload('DaemonSet', 2, rolling, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 1 }),
    'Waiting for daemon set "web" rollout to finish: 1 out of 3 new pods have been updated...',
  );
  check(
    workload('DaemonSet', 2, rolling, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }),
    'Waiting for daemon set "web" rollout to finish: 2 of 3 updated pods are available...',
  );
  check(
    workload('DaemonSet', 2, {}, { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }),
    'daemon set "web" successfully rolled out',
    true,
  );
});

test("StatefulSet: every branch of kubectl's viewer", () => {
  const spec = { replicas: 3, updateStrategy: { type: 'RollingUpdate' } };
  check(
    workload('StatefulSet', 1, { updateStrategy: { type: 'OnDelete' } }, {}),
    'rollout status is only available for RollingUpdate strategy type',
    true,
    true,
  );
  check(workload('StatefulSet', 1, spec, { observedGeneration: 0 }), 'Waiting for statefulset spec update to be observed...');
  check(workload('StatefulSet', 2, spec, { observedGeneration: 1 }), 'Waiting for statefulset spec update to be observed...');
  check(workload('StatefulSet', 2, spec, { observedGeneration: 2, readyReplicas: 1 }), 'Waiting for 2 pods to be ready...');
  const partitioned = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } };
  check(
    workload('StatefulSet', 2, partitioned, { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1 }),
    'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
  );
  check(
    workload('StatefulSet', 2, partitioned, { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 2 }),
    'partitioned roll out complete: 2 new pods have been updated...',
    true,
  );
  const revisions = { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1, currentReplicas: 2, updateRevision: 'web-2', currentRevision: 'web-1' };
  check(workload('StatefulSet', 2, spec, revisions), 'waiting for statefulset rolling update to complete 1 pods at revision web-2...');
  check(
    workload('StatefulSet', 2, spec, { ...revisions, currentReplicas: 3, currentRevision: 'web-2' }),
    'statefulset rolling update complete 3 pods at revision web-2...',
    true,
  );
});

test('kinds without a viewer', () => {
  assert.equal(hasRolloutStatus({ apiVersion: 'apps/v1', kind: 'Deployment' }), true);
  assert.equal(hasRolloutStatus({ apiVersion: 'example.com/v1', kind: 'Deployment' }), false);
  assert.equal(hasRolloutStatus({ apiVersion: 'batch/v1', kind: 'Job' }), false);
  check(workload('Job', 1, {}, {}, 'batch/v1'), 'no status viewer has been implemented for Job.batch', false, true);
});

test('selectorString writes matchLabels and matchExpressions as the API takes them', () => {
  assert.equal(
    selectorString({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['dev'] },
        { key: 'canary', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    }),
    'app=web,tier in (a,b),env notin (dev),canary,!legacy',
  );
  assert.equal(selectorString(undefined), '');
});

function pod(name: string, statuses: object[], init: object[] = [], spec: object = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team' }, spec, status: { containerStatuses: statuses, initContainerStatuses: init } };
}

function waitingStatus(container: string, image: string, reason: string, message?: string): object {
  return { name: container, image, ready: false, state: { waiting: message === undefined ? { reason } : { reason, message } } };
}

const NOT_FOUND =
  'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:does-not-exist": failed to resolve reference "docker.io/library/nginx:does-not-exist": docker.io/library/nginx:does-not-exist: not found';
const UNAUTHORIZED_401 =
  'failed to pull and unpack image "ghcr.io/acme/private:1.0": failed to resolve reference "ghcr.io/acme/private:1.0": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fprivate%3Apull&service=ghcr.io: 401 Unauthorized';
const DENIED =
  "Error response from daemon: pull access denied for acme/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";
const FORBIDDEN_403 = 'unexpected status from HEAD request to https://registry.example.com/v2/app/manifests/1.0: 403 Forbidden';
const NO_HOST =
  'failed to pull and unpack image "registry.internal:5000/app:1": failed to resolve reference "registry.internal:5000/app:1": failed to do request: Head "https://registry.internal:5000/v2/app/manifests/1": dial tcp: lookup registry.internal on 10.96.0.10:53: no such host';

test('pullFailures: the cause and fix of each kubelet message', () => {
  const failures = pullFailures([
    pod('a', [waitingStatus('web', 'nginx:does-not-exist', 'ErrImagePull', NOT_FOUND), { name: 'ok', image: 'busybox', state: { running: {} } }]),
    pod('b', [waitingStatus('web', 'nginx:does-not-exist', 'ImagePullBackOff', `Back-off pulling image "nginx:does-not-exist": ErrImagePull: ${NOT_FOUND}`)]),
    pod('c', [waitingStatus('app', 'ghcr.io/acme/private:1.0', 'ErrImagePull', UNAUTHORIZED_401)]),
    pod('d', [waitingStatus('app', 'acme/private', 'ErrImagePull', DENIED)], [], { imagePullSecrets: [{ name: 'hub' }] }),
    pod('e', [waitingStatus('app', 'registry.example.com/app:1.0', 'ErrImagePull', FORBIDDEN_403)]),
    pod('f', [waitingStatus('app', 'app:dev', 'ErrImageNeverPull', 'Container image "app:dev" is not present with pull policy of Never')]),
    pod(
      'g',
      [],
      [
        waitingStatus(
          'init',
          'App:Latest',
          'InvalidImageName',
          'Failed to apply default image tag "App:Latest": couldn\'t parse image name "App:Latest": invalid reference format: repository name must be lowercase',
        ),
      ],
    ),
    pod('h', [waitingStatus('app', 'registry.internal:5000/app:1', 'ErrImagePull', NO_HOST)]),
    pod('i', [waitingStatus('app', 'nginx:1.27', 'ImagePullBackOff', 'Back-off pulling image "nginx:1.27"')]),
    pod('j', [waitingStatus('app', 'nginx@sha256:' + 'a'.repeat(64), 'ErrImagePull', 'manifest unknown: manifest unknown')]),
    pod('k', [waitingStatus('app', 'nginx:1.27', 'CrashLoopBackOff', 'back-off 10s restarting failed container')]),
  ]);
  assert.deepEqual(
    failures.map((f) => [f.pod, f.container, f.reason, f.cause]),
    [
      ['a', 'web', 'ErrImagePull', 'tag-not-found'],
      ['b', 'web', 'ImagePullBackOff', 'tag-not-found'],
      ['c', 'app', 'ErrImagePull', 'unauthorized'],
      ['d', 'app', 'ErrImagePull', 'unauthorized'],
      ['e', 'app', 'ErrImagePull', 'unauthorized'],
      ['f', 'app', 'ErrImageNeverPull', 'never'],
      ['g', 'init', 'InvalidImageName', 'invalid'],
      ['h', 'app', 'ErrImagePull', 'unreachable'],
      ['i', 'app', 'ImagePullBackOff', 'unknown'],
      ['j', 'app', 'ErrImagePull', 'tag-not-found'],
    ],
  );
  const fix = Object.fromEntries(failures.map((f) => [f.pod, f.fix]));
  assert.equal(fix.a, 'The tag "does-not-exist" of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.');
  assert.match(fix.c, /^ghcr\.io refused the pull without credentials: add imagePullSecrets \(a docker-registry Secret for ghcr\.io\) to the pod spec/);
  assert.equal(
    fix.d,
    'docker.io refused the credentials of imagePullSecrets "hub": check that the Secret holds credentials for docker.io that may pull docker.io/acme/private.',
  );
  assert.match(fix.e, /^registry\.example\.com refused the pull without credentials/);
  assert.match(fix.f, /imagePullPolicy is Never: set imagePullPolicy to IfNotPresent, or load the image onto the node/);
  assert.match(fix.g, /^The image reference is not valid: .*lowercase.* Fix the image field\.$/);
  assert.match(fix.h, /^The node cannot reach registry\.internal:5000/);
  assert.equal(fix.i, "See the pod's events for the kubelet's reason: kubectl describe pod i -n team");
  assert.equal(fix.j, `The digest sha256:${'a'.repeat(64)} of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.`);
  assert.equal(failures[0].message, NOT_FOUND);
  assert.equal(failures[0].image, 'nginx:does-not-exist');
});

/** A kubelet event about a pod's container, as the API serves it (v1 Event). */
function kubeletEvent(pod: string, fieldPath: string, reason: string, message: string, lastTimestamp: string, uid = `uid-${pod}`): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.${lastTimestamp}`, namespace: 'team' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: pod, namespace: 'team', uid, fieldPath },
    reason,
    message,
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: lastTimestamp,
    lastTimestamp,
    count: 1,
    type: reason === 'BackOff' ? 'Normal' : 'Warning',
  };
}

const BACK_OFF_ONLY = waitingStatus('web', 'nginx:does-not-exist', 'ImagePullBackOff', 'Back-off pulling image "nginx:does-not-exist"');

function withUid(object: KubeObject): KubeObject {
  return { ...object, metadata: { ...object.metadata, uid: `uid-${object.metadata.name}` } };
}

test('pullFailures: a back-off without a cause takes it from the newest "Failed to pull image" event of that container', () => {
  const web = 'spec.containers{web}';
  const events = [
    kubeletEvent('a', web, 'Failed', `Failed to pull image "nginx:does-not-exist": ${UNAUTHORIZED_401}`, '2026-01-01T10:00:00Z'),
    kubeletEvent('a', web, 'Failed', `Failed to pull image "nginx:does-not-exist": ${NOT_FOUND}`, '2026-01-01T10:05:00Z'),
    // Newer, but not what the image manager says: the runtime manager's, the back-off, another container, an earlier pod of that name.
    kubeletEvent('a', web, 'Failed', 'Error: ErrImagePull', '2026-01-01T10:06:00Z'),
    kubeletEvent('a', web, 'BackOff', 'Back-off pulling image "nginx:does-not-exist"', '2026-01-01T10:07:00Z'),
    kubeletEvent('a', 'spec.containers{sidecar}', 'Failed', `Failed to pull image "x": ${NO_HOST}`, '2026-01-01T10:08:00Z'),
    kubeletEvent('a', web, 'Failed', `Failed to pull image "nginx:does-not-exist": ${FORBIDDEN_403}`, '2026-01-01T10:09:00Z', 'uid-of-an-earlier-a'),
    kubeletEvent('b', 'spec.initContainers{init}', 'Failed', `Failed to pull image "ghcr.io/acme/private:1.0": ${UNAUTHORIZED_401}`, '2026-01-01T10:00:00Z'),
  ];
  const failures = pullFailures(
    [
      withUid(pod('a', [BACK_OFF_ONLY])),
      withUid(pod('b', [], [waitingStatus('init', 'ghcr.io/acme/private:1.0', 'ImagePullBackOff', 'Back-off pulling image "ghcr.io/acme/private:1.0"')])),
      withUid(pod('c', [BACK_OFF_ONLY])),
    ],
    events,
  );
  assert.deepEqual(
    failures.map((f) => [f.pod, f.container, f.reason, f.cause]),
    [
      ['a', 'web', 'ImagePullBackOff', 'tag-not-found'],
      ['b', 'init', 'ImagePullBackOff', 'unauthorized'],
      ['c', 'web', 'ImagePullBackOff', 'unknown'],
    ],
  );
  // The kubelet's own words stay the status message; the fix is the cause's.
  assert.equal(failures[0].message, 'Back-off pulling image "nginx:does-not-exist"');
  assert.equal(failures[0].fix, 'The tag "does-not-exist" of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.');
  // A waiting message that says its cause is not overruled by events.
  const [own] = pullFailures([withUid(pod('a', [waitingStatus('web', 'nginx:does-not-exist', 'ErrImagePull', UNAUTHORIZED_401)]))], events);
  assert.equal(own.cause, 'unauthorized');
});

const SELECTOR = { matchLabels: { app: 'web' } };

function deploymentAt(generation: number, status: object): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'team', generation },
    spec: { replicas: 2, selector: SELECTOR },
    status,
  };
}

const REF = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'team' };

/** A watch's output: kept in `lines`, and reported to the cluster's changes, which the tests wait on. */
function printer(cluster: FakeCluster): { lines: string[]; output: (line: string) => void } {
  const lines: string[] = [];
  return {
    lines,
    output: (line) => {
      lines.push(line);
      cluster.changes.notify();
    },
  };
}

test('watchRollout prints each new status and ends when the rollout is done, re-watching when the server ends a watch', async () => {
  const cluster = new FakeCluster();
  cluster.put(deploymentAt(2, { observedGeneration: 1 }));
  const { lines, output } = printer(cluster);
  const watching = watchRollout(REF, cluster, { output, timeoutMs: 5000, pollMs: 10 });
  await cluster.changes.until(() => lines.length === 1, 'The first status line');
  cluster.emit('MODIFIED', deploymentAt(2, { observedGeneration: 2, updatedReplicas: 1, replicas: 2 }));
  cluster.emit('MODIFIED', deploymentAt(2, { observedGeneration: 2, updatedReplicas: 1, replicas: 2 }));
  cluster.closeWatch();
  await cluster.changes.until(() => cluster.calls.filter((c) => c.method === 'watch').length === 2, 'A second watch');
  cluster.emit('MODIFIED', deploymentAt(2, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }));
  const result = await watching;
  assert.deepEqual(result, { done: true, message: 'deployment "web" successfully rolled out', pullFailures: [] });
  assert.deepEqual(lines, [
    'Waiting for deployment spec update to be observed...',
    'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
    'deployment "web" successfully rolled out',
  ]);
  const lists = cluster.calls.filter((c) => c.method === 'list');
  assert.ok(lists.length > 0);
  assert.deepEqual([lists[0].ref, lists[0].selectors], [{ apiVersion: 'v1', kind: 'Pod', name: '', namespace: 'team' }, { labelSelector: 'app=web' }]);
});

test('watchRollout stops on a pull failure that persists, keeping the cause an earlier ErrImagePull gave', async () => {
  const cluster = new FakeCluster();
  cluster.put(deploymentAt(2, { observedGeneration: 2, updatedReplicas: 1, replicas: 2 }));
  cluster.pods = [pod('web-1', [waitingStatus('web', 'nginx:does-not-exist', 'ErrImagePull', NOT_FOUND)])];
  const { lines, output } = printer(cluster);
  const clock = new ManualClock();
  let done = false;
  const watching = watchRollout(REF, cluster, { output, timeoutMs: 5000, pollMs: 10, pullFailureMs: 60, clock }).finally(() => (done = true));
  await cluster.changes.until(() => lines.some((l) => l.startsWith('web-1')), 'The line about web-1');
  cluster.pods = [pod('web-1', [waitingStatus('web', 'nginx:does-not-exist', 'ImagePullBackOff', 'Back-off pulling image "nginx:does-not-exist"')])];
  // Listed again before the failure has lasted pullFailureMs: still watching.
  const lists = (): number => cluster.calls.filter((c) => c.method === 'list').length;
  const before = lists();
  clock.advance(50);
  await cluster.changes.until(() => lists() > before, 'Another listing of the pods');
  assert.equal(done, false);
  clock.advance(10);
  const result = await watching;
  assert.equal(result.done, false);
  assert.equal(result.pullFailures[0].reason, 'ImagePullBackOff');
  assert.equal(result.pullFailures[0].cause, 'tag-not-found');
  assert.equal(
    result.message,
    'web-1 cannot pull nginx:does-not-exist (ImagePullBackOff): The tag "does-not-exist" of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.',
  );
  // Printed once although every poll sees it.
  assert.deepEqual(
    lines.filter((l) => l.startsWith('web-1')),
    ['web-1 web: ErrImagePull nginx:does-not-exist: The tag "does-not-exist" of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.'],
  );
});

test("watchRollout seeing only the back-off lists the pod's Failed events for the cause", async () => {
  const cluster = new FakeCluster();
  cluster.put(deploymentAt(2, { observedGeneration: 2, updatedReplicas: 1, replicas: 2 }));
  cluster.pods = [withUid(pod('web-1', [BACK_OFF_ONLY]))];
  cluster.events = [
    kubeletEvent('web-1', 'spec.containers{web}', 'Failed', `Failed to pull image "nginx:does-not-exist": ${NOT_FOUND}`, '2026-01-01T10:00:00Z'),
    kubeletEvent('web-1', 'spec.containers{web}', 'BackOff', 'Back-off pulling image "nginx:does-not-exist"', '2026-01-01T10:01:00Z'),
  ];
  const { lines, output } = printer(cluster);
  const clock = new ManualClock();
  const watching = watchRollout(REF, cluster, { output, timeoutMs: 5000, pollMs: 10, pullFailureMs: 30, clock });
  await cluster.changes.until(() => lines.some((l) => l.startsWith('web-1')), 'The line about web-1');
  clock.advance(30);
  const result = await watching;
  assert.equal(result.pullFailures[0].cause, 'tag-not-found');
  assert.match(
    result.message,
    /^web-1 cannot pull nginx:does-not-exist \(ImagePullBackOff\): The tag "does-not-exist" of docker\.io\/library\/nginx does not exist/,
  );
  assert.deepEqual(
    lines.filter((l) => l.startsWith('web-1')),
    [
      'web-1 web: ImagePullBackOff nginx:does-not-exist: The tag "does-not-exist" of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.',
    ],
  );
  const eventLists = cluster.calls.filter((c) => c.method === 'list' && c.ref.kind === 'Event');
  assert.deepEqual(eventLists[0].ref, { apiVersion: 'v1', kind: 'Event', name: '', namespace: 'team' });
  assert.deepEqual(eventLists[0].selectors, { fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=web-1,reason=Failed' });
  // Once the events gave the cause, it is kept: they are not asked again.
  assert.equal(eventLists.length, 1);
});

test('watchRollout still reports a back-off whose events cannot be read, with "see the pod\'s events"', async () => {
  const cluster = new FakeCluster();
  cluster.put(deploymentAt(2, { observedGeneration: 2, updatedReplicas: 1, replicas: 2 }));
  cluster.pods = [withUid(pod('web-1', [BACK_OFF_ONLY]))];
  const listPods = cluster.list.bind(cluster);
  cluster.list = async (apiVersion, kind, namespace, selectors) => {
    if (kind === 'Event') throw new ClusterError('You may not list events in namespace "team"', 'forbidden', 403, 'list', 'events');
    return listPods(apiVersion, kind, namespace, selectors);
  };
  const clock = new ManualClock();
  const { lines, output } = printer(cluster);
  const watching = watchRollout(REF, cluster, { output, timeoutMs: 5000, pollMs: 10, pullFailureMs: 30, clock });
  await cluster.changes.until(() => lines.some((l) => l.startsWith('web-1')), 'The line about web-1');
  clock.advance(30);
  const result = await watching;
  assert.equal(result.pullFailures[0].cause, 'unknown');
  assert.equal(result.pullFailures[0].fix, "See the pod's events for the kubelet's reason: kubectl describe pod web-1 -n team");
});

test('watchRollout stops at once on a failure that never heals (ErrImageNeverPull)', async () => {
  const cluster = new FakeCluster();
  cluster.put(deploymentAt(2, { observedGeneration: 2, updatedReplicas: 0, replicas: 2 }));
  cluster.pods = [pod('web-1', [waitingStatus('web', 'app:dev', 'ErrImageNeverPull', 'Container image "app:dev" is not present with pull policy of Never')])];
  const result = await watchRollout(REF, cluster, { output: () => undefined, timeoutMs: 5000, pollMs: 10 });
  assert.equal(result.done, false);
  assert.equal(result.pullFailures[0].cause, 'never');
});

test('watchRollout gives up after the timeout with the last status', async () => {
  const cluster = new FakeCluster();
  cluster.put(deploymentAt(2, { observedGeneration: 2, updatedReplicas: 1, replicas: 2 }));
  const clock = new ManualClock();
  const { lines, output } = printer(cluster);
  const watching = watchRollout(REF, cluster, { output, timeoutMs: 50, pollMs: 10, clock });
  await cluster.changes.until(() => lines.length === 1, 'The first status line');
  clock.advance(50);
  const result = await watching;
  assert.equal(clock.pending, 0, 'no timer is left behind');
  assert.deepEqual(result, {
    done: false,
    message: 'timed out after 0.05s: Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
    pullFailures: [],
  });
});

test('watchRollout ends when the workload is deleted or the deadline is exceeded', async () => {
  const cluster = new FakeCluster();
  cluster.put(deploymentAt(2, { observedGeneration: 1 }));
  const deleted = watchRollout(REF, cluster, { output: () => undefined, timeoutMs: 5000 });
  await cluster.changes.until(() => cluster.calls.some((c) => c.method === 'watch'), 'The watch');
  cluster.emit('DELETED', deploymentAt(2, {}));
  assert.deepEqual(await deleted, { done: false, message: 'Deployment "web" was deleted', pullFailures: [] });

  cluster.put(deploymentAt(3, { observedGeneration: 3, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] }));
  const stuck = await watchRollout(REF, cluster, { output: () => undefined, timeoutMs: 5000 });
  assert.deepEqual(stuck, { done: false, message: 'deployment "web" exceeded its progress deadline', pullFailures: [] });
});

test('watchRollout rejects with the abort reason, and with errors from the cluster', async () => {
  const cluster = new FakeCluster();
  cluster.put(deploymentAt(2, { observedGeneration: 1 }));
  const controller = new AbortController();
  const watching = watchRollout(REF, cluster, { output: () => undefined, timeoutMs: 5000, signal: controller.signal });
  await cluster.changes.until(() => cluster.calls.some((c) => c.method === 'watch'), 'The watch');
  controller.abort(new Error('cancelled by the user'));
  await assert.rejects(watching, /cancelled by the user/);

  const forbidden = new ClusterError('You may not list pods in namespace "team"', 'forbidden', 403, 'list', 'pods');
  cluster.list = async () => {
    throw forbidden;
  };
  await assert.rejects(watchRollout(REF, cluster, { output: () => undefined, timeoutMs: 5000, pollMs: 10 }), forbidden);
});
