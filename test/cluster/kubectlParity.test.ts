/**
 * Our writes are kubectl's writes. The same commands run against two fresh loopback API servers,
 * one by the real kubectl 1.32 and one by the engine over our adapter:
 *   kubectl apply --server-side --dry-run=server -f web.yaml, then without --dry-run   ⇔ applyObjects (dry run, then apply)
 *   kubectl set image deployment/web web=nginx:1.27 [--dry-run=server]               ⇔ setImage
 *   kubectl scale deployment/web --replicas=3 [--dry-run=server]                       ⇔ scale
 * Every write must match in method, path, query, content type and body (as JSON). The field manager
 * differs by name only: ours is "image-aware" where kubectl says "kubectl" or "kubectl-set"; kubectl
 * scale sends none (the server then names the manager after the User-Agent), ours names itself.
 * Afterwards both servers hold the same Deployment.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCluster } from '../../server/src/cluster/client';
import type { Cluster } from '../../server/src/cluster/types';
import { applyObjects, manifestObjects, normalizedYaml, scale, setImage } from '../../server/src/engine';
import type { KubeObject } from '../../server/src/cluster/types';
import { startApiServer } from '../helpers/apiserver';
import type { ApiServer, RecordedRequest } from '../helpers/apiserver';
import { kubectl, tempFolder, writes } from './setup';

const MANIFEST = [
  '# the web tier',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  labels: {app: web, tier: "1"}',
  'spec:',
  '  replicas: 2',
  '  selector:',
  '    matchLabels: {app: web}',
  '  template:',
  '    metadata:',
  '      labels: {app: web}',
  '    spec:',
  '      containers:',
  '        - name: web',
  "          image: 'nginx:1.25'",
  '          ports: [{containerPort: 80}]',
  '        - name: sidecar',
  '          image: envoyproxy/envoy:v1.31.0',
  '',
].join('\n');

let theirs: ApiServer;
let ours: ApiServer;
let cluster: Cluster;
let folder: { path: string; remove: () => void };
let manifestPath: string;

before(async () => {
  [theirs, ours] = await Promise.all([startApiServer(), startApiServer()]);
  folder = tempFolder('image-aware-parity-');
  manifestPath = join(folder.path, 'web.yaml');
  writeFileSync(manifestPath, MANIFEST);
  cluster = await createCluster({ env: { KUBECONFIG: ours.kubeconfigPath } });
});

after(async () => {
  await Promise.all([theirs?.close(), ours?.close()]);
  folder?.remove();
});

const REF = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: null };
const PATCH = { fieldManager: 'image-aware', dryRun: false };

/** Runs kubectl, then our side, and returns the writes each made. */
async function both(args: readonly string[], run: () => Promise<unknown>): Promise<{ kubectl: RecordedRequest[]; ours: RecordedRequest[] }> {
  theirs.clearRequests();
  ours.clearRequests();
  await kubectl(theirs.kubeconfigPath, folder.path, args);
  await run();
  return { kubectl: writes(theirs.requests), ours: writes(ours.requests) };
}

function withoutManager(query: Readonly<Record<string, string>>): Record<string, string> {
  const { fieldManager: _manager, ...rest } = query;
  return rest;
}

function sameWrite(ourWrite: RecordedRequest, kubectlWrite: RecordedRequest, kubectlManager: string | undefined): void {
  assert.equal(ourWrite.method, kubectlWrite.method);
  assert.equal(ourWrite.path, kubectlWrite.path);
  assert.deepEqual(withoutManager(ourWrite.query), withoutManager(kubectlWrite.query));
  assert.equal(kubectlWrite.query.fieldManager, kubectlManager);
  assert.equal(ourWrite.query.fieldManager, 'image-aware');
  assert.equal(ourWrite.headers['content-type'], kubectlWrite.headers['content-type']);
  assert.deepEqual(JSON.parse(ourWrite.body), JSON.parse(kubectlWrite.body));
}

test('server-side apply, dry run then real, sends what kubectl apply --server-side sends', async () => {
  const [object] = manifestObjects(MANIFEST);
  assert.ok(object.object);
  theirs.clearRequests();
  ours.clearRequests();
  await kubectl(theirs.kubeconfigPath, folder.path, ['apply', '--server-side', '--dry-run=server', '-f', manifestPath]);
  await kubectl(theirs.kubeconfigPath, folder.path, ['apply', '--server-side', '-f', manifestPath]);
  const prompts = { confirmApply: async () => true, confirmForce: async () => false };
  await applyObjects([object.object], cluster, prompts, { fieldManager: 'image-aware', output: () => undefined });
  const kubectlWrites = writes(theirs.requests);
  const ourWrites = writes(ours.requests);
  assert.equal(kubectlWrites.length, 2);
  assert.equal(ourWrites.length, 2);
  assert.equal(kubectlWrites[0].query.dryRun, 'All');
  assert.equal(kubectlWrites[0].query.fieldValidation, 'Strict');
  assert.equal(kubectlWrites[0].headers['content-type'], 'application/apply-patch+yaml');
  sameWrite(ourWrites[0], kubectlWrites[0], 'kubectl');
  sameWrite(ourWrites[1], kubectlWrites[1], 'kubectl');
});

test('set image sends the strategic-merge patch kubectl set image sends', async () => {
  const real = await both(['set', 'image', 'deployment/web', 'web=nginx:1.27'], () => setImage(REF, 'web', 'nginx:1.27', cluster, PATCH));
  assert.equal(real.kubectl.length, 1);
  assert.equal(real.ours.length, 1);
  assert.equal(real.kubectl[0].headers['content-type'], 'application/strategic-merge-patch+json');
  sameWrite(real.ours[0], real.kubectl[0], 'kubectl-set');
  const dry = await both(['set', 'image', 'deployment/web', 'sidecar=envoyproxy/envoy:v1.32.0', '--dry-run=server'], () =>
    setImage(REF, 'sidecar', 'envoyproxy/envoy:v1.32.0', cluster, { ...PATCH, dryRun: true }),
  );
  assert.equal(dry.kubectl[0].query.dryRun, 'All');
  sameWrite(dry.ours[0], dry.kubectl[0], 'kubectl-set');
});

test('scale sends the merge patch on the scale subresource that kubectl scale sends', async () => {
  const real = await both(['scale', 'deployment/web', '--replicas=3'], () => scale(REF, 3, cluster, PATCH));
  assert.equal(real.kubectl.length, 1);
  assert.equal(real.kubectl[0].path, '/apis/apps/v1/namespaces/default/deployments/web/scale');
  assert.equal(real.kubectl[0].headers['content-type'], 'application/merge-patch+json');
  sameWrite(real.ours[0], real.kubectl[0], undefined);
  const dry = await both(['scale', 'deployment/web', '--replicas=5', '--dry-run=server'], () => scale(REF, 5, cluster, { ...PATCH, dryRun: true }));
  assert.equal(dry.kubectl[0].query.dryRun, 'All');
  sameWrite(dry.ours[0], dry.kubectl[0], undefined);
});

test('both servers end with the same Deployment', () => {
  const normalized = (server: ApiServer): string => normalizedYaml(server.get('apps/v1', 'Deployment', 'default', 'web') as KubeObject);
  assert.equal(normalized(ours), normalized(theirs));
  assert.match(normalized(ours), /replicas: 3/);
  assert.match(normalized(ours), /image: nginx:1\.27/);
});
