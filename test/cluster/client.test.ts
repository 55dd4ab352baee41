/**
 * The cluster adapter (createCluster over @kubernetes/client-node) against the loopback API server:
 * discovery paths for core, apps, batch and a CRD, namespaced and cluster-scoped; server-side apply
 * (dry run stores nothing, create and update with our field manager, 409 with the conflicting
 * fields, force); strategic-merge and scale patches; list and watch; and the messages of 401, 403,
 * an unreachable server and a missing kubeconfig. Kubeconfig files merge as kubectl merges them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCluster } from '../../server/src/cluster/client';
import { readKubeconfig } from '../../server/src/cluster/kubeconfig';
import { ClusterError } from '../../server/src/cluster/types';
import type { Cluster, WatchEvent } from '../../server/src/cluster/types';
import { startApiServer } from '../helpers/apiserver';
import type { ApiServer } from '../helpers/apiserver';
import { Changes } from '../helpers/events';
import { deployment, tempFolder, unreachableKubeconfig } from './setup';

let api: ApiServer;
let cluster: Cluster;
let folder: { path: string; remove: () => void };

before(async () => {
  api = await startApiServer();
  folder = tempFolder('image-aware-cluster-');
  cluster = await createCluster({ env: { KUBECONFIG: api.kubeconfigPath } });
});

after(async () => {
  await api?.close();
  folder?.remove();
});

const APPLY = { fieldManager: 'image-aware', dryRun: false, force: false };

function ref(name: string, namespace: string | null = 'default') {
  return { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace };
}

test('the context comes from the kubeconfig', () => {
  assert.deepEqual(cluster.context, { name: 'stub', cluster: 'stub', server: api.url, user: 'stub-user', namespace: 'default' });
});

test('discovery resolves paths for core, apps, batch and CRD kinds, namespaced or not, once per group version', async () => {
  const seen = await Promise.all([
    cluster.resource('v1', 'Pod'),
    cluster.resource('v1', 'Namespace'),
    cluster.resource('apps/v1', 'Deployment'),
    cluster.resource('batch/v1', 'CronJob'),
    cluster.resource('example.com/v1', 'Widget'),
  ]);
  assert.deepEqual(
    seen.map((r) => [r.plural, r.namespaced]),
    [
      ['pods', true],
      ['namespaces', false],
      ['deployments', true],
      ['cronjobs', true],
      ['widgets', true],
    ],
  );
  api.clearRequests();
  await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'kube-system', namespace: 'ignored' });
  await cluster.get({ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', namespace: 'default' });
  await cluster.get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: null });
  await cluster.get({ apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'kube-system' });
  assert.deepEqual(
    api.requests.map((r) => `${r.method} ${r.path}`),
    [
      'GET /api/v1/namespaces/kube-system',
      'GET /apis/batch/v1/namespaces/default/cronjobs/nightly',
      'GET /apis/example.com/v1/namespaces/default/widgets/w',
      'GET /api/v1/namespaces/kube-system/pods/p',
    ],
  );
});

test('an unknown kind or group version is not-found, naming what is missing', async () => {
  await assert.rejects(cluster.resource('apps/v1', 'Deploymnet'), (error: ClusterError) => {
    assert.equal(error.code, 'not-found');
    assert.equal(
      error.message,
      'The cluster (context "stub") has no kind "Deploymnet" in version "apps/v1": check apiVersion and kind, or install its CRD first.',
    );
    return true;
  });
  await assert.rejects(cluster.resource('nothing.example/v1', 'Thing'), { code: 'not-found' });
  // A missing kind is asked again (a CRD may be installed in between), a known one is not.
  api.clearRequests();
  await assert.rejects(cluster.resource('apps/v1', 'Deploymnet'));
  await cluster.resource('apps/v1', 'StatefulSet');
  assert.deepEqual(
    api.requests.map((r) => r.path),
    ['/apis/apps/v1'],
  );
});

test('a dry-run apply answers what would be stored and stores nothing', async () => {
  const answer = await cluster.apply(deployment('dry', 2), { ...APPLY, dryRun: true });
  assert.equal(answer.metadata.name, 'dry');
  assert.equal(answer.metadata.namespace, 'default');
  assert.equal(api.get('apps/v1', 'Deployment', 'default', 'dry'), null);
  assert.equal(await cluster.get(ref('dry')), null);
});

test('apply creates and updates, with managedFields for our field manager', async () => {
  const created = await cluster.apply(deployment('web', 1), APPLY);
  assert.equal(created.metadata.uid !== undefined, true);
  await cluster.apply(deployment('web', 2), APPLY);
  const live = await cluster.get(ref('web'));
  assert.equal((live?.spec as { replicas: number }).replicas, 2);
  const managers = (live?.metadata.managedFields as Array<{ manager: string; operation: string }>).map((m) => [m.manager, m.operation]);
  assert.deepEqual(managers, [['image-aware', 'Apply']]);
});

test('a field another manager owns is a conflict with the field list; force takes it over', async () => {
  await cluster.apply(deployment('owned', 1), { ...APPLY, fieldManager: 'helm' });
  await assert.rejects(cluster.apply(deployment('owned', 5), APPLY), (error: ClusterError) => {
    assert.equal(error.code, 'conflict');
    assert.equal(error.status, 409);
    assert.deepEqual(
      error.conflicts.map((c) => [c.manager, c.field]),
      [['helm', '.spec.replicas']],
    );
    assert.equal(
      error.message,
      'Applying deployments.apps "owned" in namespace "default" conflicts with fields that other field managers own: .spec.replicas (owned by "helm"). Apply with force to take them over, or leave those fields out of the manifest.',
    );
    return true;
  });
  assert.equal((api.get('apps/v1', 'Deployment', 'default', 'owned')?.spec as { replicas: number }).replicas, 1);
  await cluster.apply(deployment('owned', 5), { ...APPLY, force: true });
  assert.equal((api.get('apps/v1', 'Deployment', 'default', 'owned')?.spec as { replicas: number }).replicas, 5);
});

test('patch and scale change the live object', async () => {
  await cluster.apply(deployment('patched', 1), APPLY);
  const patched = await cluster.patch(
    ref('patched'),
    { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } },
    { fieldManager: 'image-aware', dryRun: false },
  );
  assert.equal((patched.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0].image, 'nginx:1.27');
  await cluster.scale(ref('patched'), 4, { fieldManager: 'image-aware', dryRun: false });
  assert.equal((api.get('apps/v1', 'Deployment', 'default', 'patched')?.spec as { replicas: number }).replicas, 4);
  await cluster.scale(ref('patched'), 9, { fieldManager: 'image-aware', dryRun: true });
  assert.equal((api.get('apps/v1', 'Deployment', 'default', 'patched')?.spec as { replicas: number }).replicas, 4);
});

test('list filters by label and field selector and gives items their apiVersion and kind', async () => {
  for (const [name, tier] of [
    ['a', 'front'],
    ['b', 'back'],
    ['c', 'front'],
  ]) {
    api.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { tier } } });
  }
  api.clearRequests();
  const found = await cluster.list('v1', 'ConfigMap', 'default', { labelSelector: 'tier in (front)' });
  assert.deepEqual(
    found.map((o) => [o.apiVersion, o.kind, o.metadata.name]),
    [
      ['v1', 'ConfigMap', 'a'],
      ['v1', 'ConfigMap', 'c'],
    ],
  );
  assert.deepEqual(
    (await cluster.list('v1', 'ConfigMap', 'default', { labelSelector: 'tier', fieldSelector: 'metadata.name!=a' })).map((o) => o.metadata.name),
    ['b', 'c'],
  );
  assert.equal((await cluster.list('v1', 'ConfigMap', 'default')).length >= 3, true);
  assert.deepEqual(
    api.requests.filter((r) => r.path === '/api/v1/namespaces/default/configmaps').map((r) => r.query),
    [{ labelSelector: 'tier in (front)' }, { labelSelector: 'tier', fieldSelector: 'metadata.name!=a' }, {}],
  );
});

test('watch gets the object, then follows it from its resourceVersion until aborted', async () => {
  await cluster.apply(deployment('watched', 1), APPLY);
  const events: WatchEvent[] = [];
  const delivered = new Changes();
  const controller = new AbortController();
  api.clearRequests();
  const onEvent = (event: WatchEvent): void => {
    events.push(event);
    delivered.notify();
  };
  const watching = cluster.watch(ref('watched'), onEvent, controller.signal);
  await api.waitForRequest((r) => r.query.watch === 'true', 'The watch request');
  const watchRequest = api.requests.find((r) => r.query.watch === 'true');
  assert.equal(watchRequest?.path, '/apis/apps/v1/namespaces/default/deployments');
  assert.equal(watchRequest?.query.fieldSelector, 'metadata.name=watched');
  assert.equal(watchRequest?.query.resourceVersion, events[0].object.metadata.resourceVersion);
  await cluster.apply(deployment('watched', 3), APPLY);
  await cluster.apply(deployment('other', 1), APPLY);
  await delivered.until(() => events.length >= 2, 'A second watch event');
  controller.abort();
  await watching;
  assert.deepEqual(
    events.map((e) => [e.type, e.object.metadata.name, (e.object.spec as { replicas: number }).replicas]),
    [
      ['ADDED', 'watched', 1],
      ['MODIFIED', 'watched', 3],
    ],
  );
});

test('a wrong token is unauthorized, naming the server and context', async () => {
  const wrong = await createCluster({ env: { KUBECONFIG: api.kubeconfigFor('not-a-token') } });
  await assert.rejects(wrong.get(ref('web')), (error: ClusterError) => {
    assert.equal(error.code, 'unauthorized');
    assert.equal(error.status, 401);
    assert.equal(
      error.message,
      `The API server ${api.url} (context "stub") did not accept the credentials of kubeconfig user "stub-user" (401 Unauthorized): log in again or refresh the token.`,
    );
    return true;
  });
});

test('a read-only user is forbidden, naming the verb, the resource and the user', async () => {
  const reader = await createCluster({ env: { KUBECONFIG: api.kubeconfigFor(api.tokens.reader) } });
  assert.notEqual(await reader.get(ref('web')), null);
  await assert.rejects(reader.apply(deployment('web', 3), APPLY), (error: ClusterError) => {
    assert.equal(error.code, 'forbidden');
    assert.equal(error.verb, 'patch');
    assert.equal(error.resource, 'deployments.apps');
    assert.equal(
      error.message,
      'You may not patch deployments.apps "web" in namespace "default" (forbidden for user "reader"). Ask a cluster admin for a Role that allows patch on deployments.apps, or switch to a context that has one.',
    );
    return true;
  });
  await assert.rejects(reader.scale(ref('web'), 2, { fieldManager: 'image-aware', dryRun: false }), (error: ClusterError) => {
    assert.equal(error.resource, 'deployments.apps/scale');
    assert.match(error.message, /^You may not patch deployments\.apps\/scale "web" in namespace "default" \(forbidden for user "reader"\)/);
    return true;
  });
  await assert.rejects(reader.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev' } }, APPLY), {
    message: /^You may not patch namespaces "dev" \(forbidden for user "reader"\)/,
  });
});

test('a server that is not there is unreachable, naming its URL and the context', async () => {
  const path = join(folder.path, 'closed.yaml');
  const port = await unreachableKubeconfig(path, api.caData);
  const gone = await createCluster({ env: { KUBECONFIG: path } });
  await assert.rejects(gone.resource('apps/v1', 'Deployment'), (error: ClusterError) => {
    assert.equal(error.code, 'unreachable');
    assert.equal(error.status, null);
    assert.equal(
      error.message,
      `Cannot reach the API server https://127.0.0.1:${port} of context "gone-ctx": the connection was refused (ECONNREFUSED). Check that the cluster is running and that the kubeconfig points at it.`,
    );
    return true;
  });
});

test('no kubeconfig names where it looked', async () => {
  const missing = [join(folder.path, 'a.yaml'), join(folder.path, 'b.yaml')];
  await assert.rejects(createCluster({ env: { KUBECONFIG: missing.join(':') } }), {
    code: 'no-kubeconfig',
    message: `No kubeconfig found: KUBECONFIG lists ${missing.join(', ')}, and none of them exists. Create one (your cluster tool writes it, for example \`kind create cluster\`) or set KUBECONFIG.`,
  });
  const home = join(folder.path, 'home');
  mkdirSync(home);
  await assert.rejects(createCluster({ env: {}, home }), {
    code: 'no-kubeconfig',
    message: new RegExp(`^No kubeconfig found: looked for ${join(home, '.kube', 'config')} \\(KUBECONFIG is not set\\), and it does not exist\\.`),
  });
});

test('a kubeconfig that does not parse is named with the line of the mistake, never the secrets around it', () => {
  const file = join(folder.path, 'broken-kubeconfig');
  writeFileSync(file, 'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: SECRET-TOKEN-123\n   bad: [\n');
  assert.throws(
    () => readKubeconfig({ env: { KUBECONFIG: file } }),
    (error: unknown) => error instanceof ClusterError && error.message.includes(file) && /\(6:4\)/.test(error.message) && !error.message.includes('SECRET'),
  );
});

test('kubeconfig files merge like kubectl: the first file to name an entry wins it, and the first current-context wins', async () => {
  const first = api.kubeconfigFor(api.tokens.admin, { context: 'team', namespace: 'team-a', user: 'alice' });
  const second = api.kubeconfigFor(api.tokens.reader, { context: 'team', namespace: 'team-b', user: 'bob' });
  const third = api.kubeconfigFor(api.tokens.reader, { context: 'other', namespace: 'x', user: 'carol' });
  const missing = join(folder.path, 'missing.yaml');
  const config = readKubeconfig({ env: { KUBECONFIG: [missing, first, second, '', third, first].join(':') } });
  assert.deepEqual(config.files, [first, second, third]);
  assert.equal(config.currentContext, 'team');
  assert.deepEqual(
    config.contexts.map((c) => [c.name, c.user, c.namespace]),
    [
      ['team', 'alice', 'team-a'],
      ['other', 'carol', 'x'],
    ],
  );
  // Without a current context in the first file, the next file that has one decides.
  const noCurrent = join(folder.path, 'no-current.yaml');
  writeFileSync(noCurrent, JSON.stringify({ apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] }));
  assert.equal(readKubeconfig({ env: { KUBECONFIG: [noCurrent, third, first].join(':') } }).currentContext, 'other');

  const chosen = await createCluster({ env: { KUBECONFIG: [first, third].join(':') }, context: 'other', namespace: 'override' });
  assert.deepEqual(chosen.context, { name: 'other', cluster: 'stub', server: api.url, user: 'carol', namespace: 'override' });
  // A kubeconfig the caller has read already is used as it is: the files are not read again.
  const given = await createCluster({
    kubeconfig: readKubeconfig({ env: { KUBECONFIG: [first, third].join(':') } }),
    env: { KUBECONFIG: missing },
    context: 'other',
  });
  assert.deepEqual(given.context, { name: 'other', cluster: 'stub', server: api.url, user: 'carol', namespace: 'x' });
  await assert.rejects(createCluster({ env: { KUBECONFIG: first }, context: 'nope' }), {
    code: 'no-context',
    message: `The kubeconfig (${first}) has no context "nope".`,
  });
});
