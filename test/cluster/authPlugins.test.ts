/**
 * Kubeconfig users that run programs, against the loopback API server: exec plugins
 * (client.authentication.k8s.io v1 and v1beta1) run as kubectl runs them (KUBERNETES_EXEC_INFO,
 * interactiveMode, a command relative to its kubeconfig, PATH without the current folder, the
 * credential kept until its expirationTimestamp and asked again after a 401), with a timeout that
 * ends the plugin's whole process group and failures named as the plugin's; and the auth-provider
 * plugins kubectl removed (gcp, azure), refused with kubectl's words before anything runs.
 * The stand-in plugins are shell scripts written into the test's folder.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCluster } from '../../server/src/cluster/client';
import type { ClusterOptions } from '../../server/src/cluster/client';
import { ClusterError } from '../../server/src/cluster/types';
import { startApiServer } from '../helpers/apiserver';
import type { ApiServer } from '../helpers/apiserver';
import { groupMembers, killRecorded, recordedPids, running, writeScript } from '../helpers/standInPrograms';
import { tempFolder } from './setup';

let api: ApiServer;
let folder: { path: string; remove: () => void };
let bin: string;
let pids: string;
let configs = 0;

before(async () => {
  api = await startApiServer();
  folder = tempFolder('image-aware-auth-plugins-');
  bin = join(folder.path, 'bin');
  mkdirSync(bin);
  pids = join(folder.path, 'pids');
});

after(async () => {
  killRecorded(pids);
  await api?.close();
  folder?.remove();
});

const SECRET = 'Zq9XvK7wPpL3mN8r';
const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'default' };

/** A kubeconfig for the stub server whose only user, "u", is `user`; written into `dir` (the test's folder by default). */
function kubeconfigWith(user: object, dir = folder.path): string {
  configs += 1;
  const path = join(dir, `kubeconfig-${configs}.yaml`);
  writeFileSync(
    path,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'stub', cluster: { server: api.url, 'certificate-authority-data': api.caData } }],
      users: [{ name: 'u', user }],
      contexts: [{ name: 'ctx', context: { cluster: 'stub', user: 'u' } }],
      'current-context': 'ctx',
    }),
  );
  return path;
}

interface PluginOptions {
  readonly path?: string;
  readonly now?: () => number;
}

/** The options a test creates its cluster with: short plugin timeouts, the stand-ins' folder first on PATH. */
function options(kubeconfig: string, plugin: PluginOptions = {}): ClusterOptions {
  const extra = { execPluginTimeoutMs: 300, execPluginKillGraceMs: 200, ...(plugin.now ? { now: plugin.now } : {}) };
  const base: ClusterOptions = { env: { KUBECONFIG: kubeconfig, PATH: plugin.path ?? `${bin}:/usr/bin:/bin`, HOME: folder.path } };
  return { ...base, ...extra };
}

/** The ExecCredential a plugin prints. */
function credential(apiVersion: string, status: object): string {
  return JSON.stringify({ apiVersion, kind: 'ExecCredential', status });
}

async function clusterFailure(kubeconfig: string, plugin: PluginOptions = {}): Promise<ClusterError> {
  const error = await (async () => {
    const cluster = await createCluster(options(kubeconfig, plugin));
    await cluster.get(DEPLOYMENT);
  })().then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ClusterError, String(error));
  return error;
}

test("the gcp and azure auth-provider plugins are refused with kubectl's words, and their cmd-path never runs", async () => {
  const marker = join(folder.path, 'gcp-ran');
  const shell = { 'cmd-path': '/bin/sh', 'cmd-args': `-c "touch ${marker}"` };
  const gcp = kubeconfigWith({ 'auth-provider': { name: 'gcp', config: { ...shell, 'token-key': '{.t}', 'expiry-key': '{.e}' } } });
  const refused = await clusterFailure(gcp);
  assert.equal(refused.code, 'unauthorized');
  assert.equal(
    refused.message,
    'Kubeconfig user "u" cannot be used: The gcp auth plugin has been removed. ' +
      'Please use the "gke-gcloud-auth-plugin" kubectl/client-go credential plugin instead. ' +
      'See https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke for further details.',
  );
  assert.equal(existsSync(marker), false, 'the gcp cmd-path ran');

  const azure = kubeconfigWith({ 'auth-provider': { name: 'azure', config: shell } });
  assert.equal(
    (await clusterFailure(azure)).message,
    'Kubeconfig user "u" cannot be used: The azure auth plugin has been removed. ' +
      'Please use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead. ' +
      'See https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins for further details.',
  );
  const unknown = kubeconfigWith({ 'auth-provider': { name: 'exec', config: { exec: { command: '/bin/sh', args: ['-c', `touch ${marker}`] } } } });
  assert.equal((await clusterFailure(unknown)).message, 'Kubeconfig user "u" cannot be used: no Auth Provider found for name "exec".');
  assert.equal(existsSync(marker), false);
});

test('an oidc auth-provider runs no program: its id-token is the bearer token, other keys are ignored', async () => {
  const marker = join(folder.path, 'oidc-ran');
  const payload = Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url');
  const idToken = `e30.${payload}.sig`;
  // client-node's ExecAuth would run an `exec` in any auth-provider's config; client-go's oidc ignores it.
  const onlyClientNodeKnows = { command: '/bin/sh', args: ['-c', `touch ${marker}`] };
  const oidcApi = await startApiServer({ tokens: { [idToken]: { user: 'oidc-user', canWrite: true } } });
  try {
    const path = join(folder.path, 'oidc.yaml');
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'stub', cluster: { server: oidcApi.url, 'certificate-authority-data': oidcApi.caData } }],
        users: [{ name: 'u', user: { 'auth-provider': { name: 'oidc', config: { 'id-token': idToken, 'client-id': 'c', exec: onlyClientNodeKnows } } } }],
        contexts: [{ name: 'ctx', context: { cluster: 'stub', user: 'u' } }],
        'current-context': 'ctx',
      }),
    );
    const cluster = await createCluster(options(path));
    assert.equal(await cluster.get(DEPLOYMENT), null);
    assert.equal(oidcApi.requests.at(-1)?.headers.authorization, `Bearer ${idToken}`);
    assert.equal(existsSync(marker), false, 'a program ran for an oidc user');
  } finally {
    await oidcApi.close();
  }
});

test('an exec plugin gets KUBERNETES_EXEC_INFO, runs once, and its token is kept until its expirationTimestamp', async () => {
  const runs = join(folder.path, 'runs');
  const info = join(folder.path, 'exec-info');
  let now = Date.parse('2030-01-01T00:00:00Z');
  const answer = credential(V1, { token: api.tokens.admin, expirationTimestamp: '2030-01-01T00:10:00Z' });
  writeScript(bin, 'good-plugin', `echo run >> ${runs}\nprintf '%s' "$KUBERNETES_EXEC_INFO" > ${info}\necho "$1 $EXTRA" >> ${runs}\necho '${answer}'`);
  const exec = { apiVersion: V1, command: 'good-plugin', args: ['--flag'], env: [{ name: 'EXTRA', value: 'x' }], interactiveMode: 'Never' };
  const kubeconfig = kubeconfigWith({ exec });
  const cluster = await createCluster(options(kubeconfig, { now: () => now }));
  await Promise.all([cluster.get(DEPLOYMENT), cluster.get({ ...DEPLOYMENT, name: 'other' })]);
  assert.deepEqual(JSON.parse(readFileSync(info, 'utf8')), { apiVersion: V1, kind: 'ExecCredential', spec: { interactive: false } });
  assert.equal(readFileSync(runs, 'utf8'), 'run\n--flag x\n');
  assert.equal(api.requests.at(-1)?.headers.authorization, `Bearer ${api.tokens.admin}`);

  // With provideClusterInfo the plugin is told the cluster it is for.
  const withCluster = kubeconfigWith({ exec: { apiVersion: V1, command: 'good-plugin', interactiveMode: 'Never', provideClusterInfo: true } });
  await (await createCluster(options(withCluster))).get(DEPLOYMENT);
  assert.deepEqual(JSON.parse(readFileSync(info, 'utf8')).spec, { interactive: false, cluster: { server: api.url, 'certificate-authority-data': api.caData } });
  // That was another cluster's run: the first cluster's count goes on from its one run.
  writeFileSync(runs, 'run\n');

  now = Date.parse('2030-01-01T00:09:59Z');
  await cluster.get(DEPLOYMENT);
  assert.equal(readFileSync(runs, 'utf8').split('run').length - 1, 1, 'asked again before it expired');
  now = Date.parse('2030-01-01T00:10:01Z');
  await cluster.get(DEPLOYMENT);
  assert.equal(readFileSync(runs, 'utf8').split('run').length - 1, 2, 'not asked again when it expired');
});

test('a v1beta1 plugin relative to its kubeconfig runs from there; after a 401 the plugin is asked again', async () => {
  const dir = join(folder.path, 'relative');
  mkdirSync(join(dir, 'plugins'), { recursive: true });
  const count = join(folder.path, 'count');
  // The first answer is a token the server refuses, the next ones the admin token.
  const wrong = credential(V1BETA1, { token: 'not-a-token' });
  const right = credential(V1BETA1, { token: api.tokens.admin });
  writeScript(join(dir, 'plugins'), 'refreshing', `echo x >> ${count}\nif [ "$(wc -l < ${count})" -eq 1 ]; then echo '${wrong}'; else echo '${right}'; fi`);
  const kubeconfig = kubeconfigWith({ exec: { apiVersion: V1BETA1, command: './plugins/refreshing' } }, dir);
  const cluster = await createCluster(options(kubeconfig, { path: '/usr/bin:/bin' }));
  await assert.rejects(cluster.get(DEPLOYMENT), { code: 'unauthorized', status: 401 });
  assert.equal(await cluster.get(DEPLOYMENT), null);
  assert.equal(readFileSync(count, 'utf8'), 'x\nx\n');
});

test('an exec plugin that hangs ignoring SIGTERM times out, named, with its whole group ended', { timeout: 15_000 }, async () => {
  const plugin = writeScript(bin, 'hanging-plugin', `echo $$ >> ${pids}\ntrap '' TERM\nsleep 30 &\necho $! >> ${pids}\nwait`);
  const kubeconfig = kubeconfigWith({ exec: { apiVersion: V1, command: plugin, interactiveMode: 'IfAvailable' } });
  const started = Date.now();
  const error = await clusterFailure(kubeconfig);
  const took = Date.now() - started;
  assert.equal(error.code, 'unauthorized');
  assert.equal(error.message, `The kubeconfig's exec plugin ${plugin} for user "u" failed: it did not answer within 300 ms and was stopped.`);
  assert.ok(took < 300 + 200 + 1500, `settled after ${took} ms`);
  const [leader] = recordedPids(pids);
  assert.deepEqual(running(recordedPids(pids)), []);
  assert.deepEqual(groupMembers(leader), []);
});

test('an exec plugin that fails is named as such, never quoting what it printed', async () => {
  const plugin = writeScript(bin, 'failing-plugin', `echo "token=${SECRET}" >&2\necho "${SECRET}"\nexit 1`);
  const error = await clusterFailure(kubeconfigWith({ exec: { apiVersion: V1, command: plugin, interactiveMode: 'Never' } }));
  assert.equal(error.code, 'unauthorized');
  assert.equal(
    error.message,
    `The kubeconfig's exec plugin ${plugin} for user "u" failed: it exited with code 1. Run it in a terminal to see its own message.`,
  );

  const garbled = writeScript(bin, 'garbled-plugin', `echo '{"status": {"token": ${SECRET}'`);
  assert.equal(
    (await clusterFailure(kubeconfigWith({ exec: { apiVersion: V1, command: garbled, interactiveMode: 'Never' } }))).message,
    `The kubeconfig's exec plugin ${garbled} for user "u" failed: its output is not an ExecCredential in JSON.`,
  );
  const older = writeScript(bin, 'older-plugin', `echo '${credential(V1BETA1, { token: SECRET })}'`);
  assert.equal(
    (await clusterFailure(kubeconfigWith({ exec: { apiVersion: V1, command: older, interactiveMode: 'Never' } }))).message,
    `The kubeconfig's exec plugin ${older} for user "u" failed: it is configured for ${V1} but answered ${V1BETA1}.`,
  );
  const empty = writeScript(bin, 'empty-plugin', `echo '${credential(V1, {})}'`);
  assert.equal(
    (await clusterFailure(kubeconfigWith({ exec: { apiVersion: V1, command: empty, interactiveMode: 'Never' } }))).message,
    `The kubeconfig's exec plugin ${empty} for user "u" failed: it returned neither a token nor a client certificate and key.`,
  );
});

test('an exec plugin is never run from the current folder, and a missing one says how to install it', async () => {
  const here = join(folder.path, 'cwd');
  mkdirSync(here);
  const marker = join(folder.path, 'cwd-plugin-ran');
  writeScript(here, 'cwd-plugin', `touch ${marker}\necho '${credential(V1, { token: api.tokens.admin })}'`);
  const previous = process.cwd();
  process.chdir(here);
  try {
    for (const path of ['/usr/bin::/bin', '.:/usr/bin:/bin']) {
      const installHint = 'Install cwd-plugin from your cluster vendor.';
      const kubeconfig = kubeconfigWith({ exec: { apiVersion: V1, command: 'cwd-plugin', interactiveMode: 'Never', installHint } });
      const error = await clusterFailure(kubeconfig, { path });
      assert.equal(error.message, `The kubeconfig's exec plugin cwd-plugin for user "u" failed: cwd-plugin was not found on PATH. ${installHint}`);
      assert.equal(existsSync(marker), false, `run through PATH ${path}`);
    }
  } finally {
    process.chdir(previous);
  }
});

test('interactiveMode is checked as kubectl checks it, before anything runs', async () => {
  const marker = join(folder.path, 'interactive-ran');
  const plugin = writeScript(bin, 'interactive-plugin', `touch ${marker}`);
  assert.equal(
    (await clusterFailure(kubeconfigWith({ exec: { apiVersion: V1, command: plugin } }))).message,
    'Kubeconfig user "u" cannot be used: interactiveMode must be specified for u to use exec authentication plugin.',
  );
  assert.equal(
    (await clusterFailure(kubeconfigWith({ exec: { apiVersion: V1, command: plugin, interactiveMode: 'Always' } }))).message,
    `The kubeconfig's exec plugin ${plugin} for user "u" failed: its interactiveMode is Always, and image-aware cannot give it a terminal.`,
  );
  assert.equal(
    (await clusterFailure(kubeconfigWith({ exec: { apiVersion: 'client.authentication.k8s.io/v1alpha1', command: plugin } }))).message,
    'Kubeconfig user "u" cannot be used: exec plugin: invalid apiVersion "client.authentication.k8s.io/v1alpha1".',
  );
  assert.equal(existsSync(marker), false);
});
