/**
 * `image-aware apply`, run as a real process against the stub Kubernetes API server on loopback
 * (test/helpers/apiserver, checked with the real kubectl): the dry run prints the diff and stores
 * nothing; --yes creates and follows the rollout; a second run is unchanged; fields another manager
 * owns stop the apply with the manager and field named, unless --force-conflicts; pods that cannot
 * pull are reported with the kubelet's reason and a fix (a missing tag's cause from the kubelet's
 * events when only the back-off is seen); a read-only user gets the verb and resource
 * it lacks; no kubeconfig, an unknown context, an unreachable server, a document that is not an
 * object and a bad --timeout are clear errors.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startApiServer } from '../helpers/apiserver';
import type { ApiServer } from '../helpers/apiserver';
import { deployment, unreachableKubeconfig } from '../cluster/setup';
import { runCliAsync } from './runCli';
import type { CliRun } from './runCli';
import { temporaryDir } from './registrySetup';

let api: ApiServer;
let dir: string;

before(async () => {
  api = await startApiServer();
  dir = temporaryDir('image-aware-cli-apply-');
});

after(async () => {
  await api?.close();
});

function deploymentYaml(name: string, replicas: number, image: string, pullPolicy?: string): string {
  return stringify(deployment(name, replicas, image, pullPolicy));
}

const SERVICE = stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });

function manifest(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

function applyCli(args: readonly string[], kubeconfig = api.kubeconfigPath): Promise<CliRun> {
  return runCliAsync(['apply', ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig },
    timeoutMs: 30_000,
  });
}

function replicasOf(name: string): unknown {
  return (api.get('apps/v1', 'Deployment', 'default', name)?.spec as { replicas?: number } | undefined)?.replicas;
}

test('without --yes the server dry run is printed as a diff and nothing is stored; --yes creates and follows the rollout; a second run is unchanged', async () => {
  const file = manifest('web.yaml', `${deploymentYaml('web', 2, 'nginx:1.27')}---\n${SERVICE}`);

  for (const args of [[file], ['--dry-run', '--yes', file]]) {
    const dry = await applyCli(args);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^--- apps\.v1\.Deployment\.default\.web\n\+\+\+ apps\.v1\.Deployment\.default\.web\n@@ -0,0 \+1,\d+ @@\n\+apiVersion: apps\/v1\n/,
    );
    assert.match(dry.stdout, /^\+ {8}- image: nginx:1\.27$/m);
    assert.match(dry.stdout, /^--- v1\.Service\.default\.web\n/m);
    assert.doesNotMatch(dry.stdout, /managedFields|resourceVersion|uid:/);
    assert.match(dry.stderr, /^Context "stub" \(https:\/\/127\.0\.0\.1:\d+\), namespace "default", field manager "image-aware"\.$/m);
    assert.match(dry.stderr, /^deployment\.apps\/web created \(server dry run\)\nservice\/web created \(server dry run\)$/m);
    assert.equal(api.get('apps/v1', 'Deployment', 'default', 'web'), null);
    assert.equal(api.get('v1', 'Service', 'default', 'web'), null);
  }
  assert.match((await applyCli([file])).stderr, /Nothing was applied: run again with --yes to apply these changes\.\n$/);
  assert.match((await applyCli(['--dry-run', file])).stderr, /Dry run: nothing was applied\.\n$/);
  // Objects without a namespace go to --namespace's, which the server must know.
  const staging = await applyCli(['--dry-run', '-n', 'staging', file]);
  assert.equal(staging.status, 2);
  assert.match(staging.stderr, /^deployment\.apps\/web failed \(server dry run\): .*namespaces "staging" not found/m);
  assert.match(staging.stderr, /0 created, 0 configured, 0 unchanged, 2 not applied\.\n$/);

  api.setController({ kind: 'rollout-ok', stepMs: 30 });
  try {
    const applied = await applyCli(['--yes', file]);
    assert.equal(applied.status, 0, applied.stderr);
    assert.match(applied.stdout, /^\+kind: Deployment$/m, 'the diff is printed before applying');
    assert.match(applied.stderr, /^deployment\.apps\/web created\nservice\/web created\n2 created, 0 configured, 0 unchanged\.\n/m);
    assert.match(applied.stderr, /^Waiting for deployment "web" rollout to finish: \d out of 2 new replicas have been updated\.\.\.$/m);
    assert.match(applied.stderr, /deployment "web" successfully rolled out\n$/);
    assert.equal(replicasOf('web'), 2);
    await api.settled();
  } finally {
    api.setController(null);
  }

  const again = await applyCli(['--yes', file]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, '');
  assert.match(again.stderr, /^deployment\.apps\/web unchanged\nservice\/web unchanged\n0 created, 0 configured, 2 unchanged\.\n$/m);
});

test('fields another field manager owns stop the apply, naming the manager and the field, until --force-conflicts', async () => {
  const owned = manifest('owned.yaml', deploymentYaml('owned', 1, 'nginx:1.27'));
  const byHelm = await applyCli(['--yes', '--no-wait', '--field-manager', 'helm', owned]);
  assert.equal(byHelm.status, 0, byHelm.stderr);

  const changed = manifest('owned.yaml', deploymentYaml('owned', 3, 'nginx:1.27'));
  const dry = await applyCli(['--dry-run', changed]);
  assert.equal(dry.status, 2, 'a dry run says the apply would fail');
  assert.match(dry.stdout, /^-  replicas: 1\n\+  replicas: 3$/m);
  assert.match(
    dry.stderr,
    /deployment\.apps\/owned would not be applied: other field managers own \.spec\.replicas \(owned by "helm"\); --force-conflicts takes them over/,
  );

  const refused = await applyCli(['--yes', '--no-wait', changed]);
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /deployment\.apps\/owned not applied: .*\.spec\.replicas \(owned by "helm"\)/);
  assert.match(refused.stderr, /0 created, 0 configured, 0 unchanged, 1 not applied\. --force-conflicts takes over fields other managers own\.\n$/);
  assert.equal(replicasOf('owned'), 1);

  const forced = await applyCli(['--yes', '--no-wait', '--force-conflicts', changed]);
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(forced.stderr, /^deployment\.apps\/owned configured$/m);
  assert.equal(replicasOf('owned'), 3);
});

test("pods that cannot pull their image end the rollout with the kubelet's reason and a fix, and exit 1", async () => {
  // ErrImageNeverPull, unlike a missing tag's ErrImagePull, is not followed by a bare back-off
  // message, so the pod listing the watch makes every 2 s sees it however busy the machine is.
  const file = manifest('never.yaml', deploymentYaml('never', 1, '127.0.0.1:5999/team/app:dev', 'Never'));
  api.setController({ kind: 'pull-fails', cause: 'never', stepMs: 100 });
  try {
    const run = await applyCli(['--yes', '--timeout', '20s', file]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^deployment\.apps\/never created$/m);
    const fix =
      'The image is not on the node and imagePullPolicy is Never: set imagePullPolicy to IfNotPresent, or load the image onto the node (kind load docker-image, minikube image load).';
    assert.ok(run.stderr.includes(`web: ErrImageNeverPull 127.0.0.1:5999/team/app:dev: ${fix}\n`), run.stderr);
    assert.match(
      run.stderr,
      /^deployment\.apps\/never did not roll out: never-\S+ cannot pull 127\.0\.0\.1:5999\/team\/app:dev \(ErrImageNeverPull\): The image is not on the node/m,
    );
    await api.settled();
  } finally {
    api.setController(null);
  }
});

test('a missing tag is reported with its cause although the watch may first see the pod in back-off', async () => {
  // The back-off's message names no cause; the kubelet's "Failed to pull image" event does.
  const file = manifest('missing.yaml', deploymentYaml('missing', 1, 'nginx:does-not-exist'));
  api.setController({ kind: 'pull-fails', cause: 'tag-not-found', stepMs: 5 });
  try {
    const run = await applyCli(['--yes', '--timeout', '3s', file]);
    assert.equal(run.status, 1, run.stderr);
    const fix = 'The tag "does-not-exist" of docker.io/library/nginx does not exist in docker.io: push it or fix the tag.';
    assert.match(run.stderr, new RegExp(`^missing-\\S+ web: (ErrImagePull|ImagePullBackOff) nginx:does-not-exist: ${fix.replace(/[.()]/g, '\\$&')}$`, 'm'));
    assert.doesNotMatch(run.stderr, /See the pod's events/);
    assert.match(run.stderr, /^deployment\.apps\/missing did not roll out: timed out after 3s: /m);
    await api.settled();
  } finally {
    api.setController(null);
  }
});

test('a read-only user is told the verb and resource it lacks, and nothing is applied', async () => {
  const file = manifest('reader.yaml', deploymentYaml('readonly', 1, 'nginx:1.27'));
  const run = await applyCli(['--yes', file], api.kubeconfigFor(api.tokens.reader));
  assert.equal(run.status, 2, run.stderr);
  assert.match(
    run.stderr,
    /^deployment\.apps\/readonly failed \(server dry run\): You may not patch deployments\.apps "readonly" in namespace "default" \(forbidden for user "reader"\)\. Ask a cluster admin for a Role that allows patch on deployments\.apps/m,
  );
  assert.equal(api.get('apps/v1', 'Deployment', 'default', 'readonly'), null);
});

test('no kubeconfig, an unknown context, an unreachable API server, a document that is not an object and a bad --timeout are clear errors', async () => {
  const file = manifest('any.yaml', deploymentYaml('any', 1, 'nginx:1.27'));
  const missing = join(dir, 'no-such-kubeconfig');
  const none = await applyCli([file], missing);
  assert.equal(none.status, 2);
  assert.equal(none.stdout, '');
  assert.equal(
    none.stderr,
    `image-aware: No kubeconfig found: KUBECONFIG lists ${missing}, and it does not exist. Create one (your cluster tool writes it, for example \`kind create cluster\`) or set KUBECONFIG.\n`,
  );

  const closed = join(dir, 'closed-kubeconfig');
  const port = await unreachableKubeconfig(closed, api.caData);
  const noContext = await applyCli(['--context', 'nope', file], closed);
  assert.equal(noContext.status, 2);
  assert.equal(noContext.stderr, `image-aware: The kubeconfig (${closed}) has no context "nope".\n`);
  const unreachable = await applyCli([file], closed);
  assert.equal(unreachable.status, 2);
  assert.match(
    unreachable.stderr,
    new RegExp(
      `^image-aware: Cannot reach the API server https://127\\.0\\.0\\.1:${port} of context "gone-ctx": the connection was refused \\(ECONNREFUSED\\)\\.`,
      'm',
    ),
  );

  const first = deploymentYaml('ok', 1, 'nginx:1.27');
  const broken = manifest('broken.yaml', `${first}---\napiVersion: v1\nkind: ConfigMap\n`);
  const notObject = await applyCli(['--yes', broken]);
  assert.equal(notObject.status, 2);
  assert.equal(
    notObject.stderr,
    `image-aware: broken.yaml line ${first.split('\n').length}: This document cannot be applied: it has no metadata.name. Nothing was applied.\n`,
  );
  assert.equal(api.get('apps/v1', 'Deployment', 'default', 'ok'), null);

  const usage = await applyCli(['--timeout', '5 minutes', file]);
  assert.equal(usage.status, 2);
  assert.equal(usage.stderr, 'image-aware: --timeout expects a duration such as 300s, 5m or 1m30s (got "5 minutes").\n');
});

test('a Namespace and a Deployment in it, in one file: the dry run says the namespace comes first, --yes creates both', async () => {
  const namespace = stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } });
  const inFresh = stringify({ ...deployment('fresh-web', 1, 'nginx:1.27'), metadata: { name: 'fresh-web', namespace: 'fresh' } });
  const file = manifest('fresh.yaml', `${namespace}---\n${inFresh}`);
  const dry = await applyCli([file]);
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(
    dry.stderr,
    /^namespace\/fresh created \(server dry run\)\ndeployment\.apps\/fresh-web created \(not dry-run: its namespace "fresh" is created first\)$/m,
  );
  assert.match(dry.stdout, /^--- apps\.v1\.Deployment\.fresh\.fresh-web\n/m);
  const applied = await applyCli(['--yes', '--no-wait', file]);
  assert.equal(applied.status, 0, applied.stderr);
  assert.match(applied.stderr, /^namespace\/fresh created\ndeployment\.apps\/fresh-web created\n2 created, 0 configured, 0 unchanged\.\n/m);
  assert.notEqual(api.get('apps/v1', 'Deployment', 'fresh', 'fresh-web'), null);
});
