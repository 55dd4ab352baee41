/**
 * The platforms of a cluster's nodes, from their kubernetes.io/os and kubernetes.io/arch labels, read
 * through the real cluster adapter from the project's stub API server: one bounded list, distinct
 * platforms, hostile label values left out, the answer kept per context until its time is up.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCluster } from '../../../server/src/cluster/adapter';
import type { Cluster } from '../../../server/src/cluster';
import { MAX_NODES, NodePlatformsCache, nodePlatforms } from '../../../server/src/engine';
import { startApiServer } from '../../helpers/apiserver';
import type { ApiServer } from '../../helpers/apiserver';
import { ManualClock } from '../../helpers/clock';

let api: ApiServer;
let cluster: Cluster;

const node = (name: string, os: unknown, arch: unknown): void => {
  api.put({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/os': os, 'kubernetes.io/arch': arch } as Record<string, string> } });
};

const nodeLists = (): number => api.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/nodes').length;

before(async () => {
  api = await startApiServer();
  cluster = await createCluster({ env: { KUBECONFIG: api.kubeconfigPath } });
  node('a1', 'linux', 'amd64');
  node('a2', 'linux', 'amd64');
  node('b1', 'linux', 'arm64');
  node('w1', 'windows', 'amd64');
  node('x1', 'linux', 'arm64; rm -rf /');
  node('x2', 'linux', { nested: true });
});

after(async () => {
  await api?.close();
});

test('the distinct os/arch of the nodes, with one list limited to MAX_NODES; bad label values left out', async () => {
  api.clearRequests();
  assert.deepEqual(await nodePlatforms(cluster), { platforms: ['linux/amd64', 'linux/arm64', 'windows/amd64'], source: 'the nodes of stub' });
  const lists = api.requests.filter((r) => r.path === '/api/v1/nodes');
  assert.equal(lists.length, 1);
  assert.equal(lists[0].query.limit, String(MAX_NODES));
});

test('the cache asks once per context until its time is up, and keeps a failure as no targets', async () => {
  const clock = new ManualClock();
  const cache = new NodePlatformsCache(clock);
  api.clearRequests();
  const first = await cache.get(cluster);
  assert.deepEqual(first?.platforms, ['linux/amd64', 'linux/arm64', 'windows/amd64']);
  await cache.get(cluster);
  assert.equal(nodeLists(), 1);
  clock.advance(10 * 60 * 1000);
  await cache.get(cluster);
  assert.equal(nodeLists(), 2);

  const reader = await createCluster({ env: { KUBECONFIG: api.kubeconfigFor('no-such-token', { context: 'refused' }) } });
  assert.equal(await cache.get(reader), null);
});
