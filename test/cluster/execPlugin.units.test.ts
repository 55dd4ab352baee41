/**
 * The parts of kubeconfig user authentication that run nothing: exec sections validated with
 * clientcmd's rules and words, ExecCredential answers checked as client-go checks them, and what
 * userAuth hands to client-node (no exec, oidc with client-go's keys only, refusals).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecPluginCredentials, parseExecCredential, readExecConfig } from '../../server/src/cluster/execPlugin';
import { ClusterError } from '../../server/src/cluster/types';
import { userAuth } from '../../server/src/cluster/userAuth';

const V1 = 'client.authentication.k8s.io/v1';
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
const CLUSTER = { name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false };
const RUN = { env: {}, timeoutMs: 1000, killGraceMs: 100, now: () => 0 };

test("exec sections: clientcmd's defaults and rules, in its words", () => {
  const aws = { apiVersion: V1BETA1, command: 'aws', args: ['eks', 'get-token'], env: [{ name: 'A', value: 'b' }], installHint: ' Install\n  aws. ' };
  assert.deepEqual(readExecConfig(aws, 'u'), {
    command: 'aws',
    args: ['eks', 'get-token'],
    env: [{ name: 'A', value: 'b' }],
    apiVersion: V1BETA1,
    interactiveMode: 'IfAvailable',
    provideClusterInfo: false,
    installHint: 'Install aws',
  });
  assert.equal(readExecConfig({ apiVersion: V1 }, 'u'), 'command must be specified for u to use exec authentication plugin');
  assert.equal(readExecConfig({ command: 'x' }, 'u'), 'apiVersion must be specified for u to use exec authentication plugin');
  assert.equal(
    readExecConfig({ apiVersion: V1, command: 'x', interactiveMode: 'Never', env: [{ value: 'v' }] }, 'u'),
    'env variable name must be specified for u to use exec authentication plugin',
  );
  assert.equal(readExecConfig({ apiVersion: V1, command: 'x' }, 'u'), 'interactiveMode must be specified for u to use exec authentication plugin');
  assert.equal(readExecConfig({ apiVersion: V1, command: 'x', interactiveMode: 'Sometimes' }, 'u'), 'invalid interactiveMode for u: "Sometimes"');
  assert.equal(readExecConfig({ apiVersion: 'v2', command: 'x', interactiveMode: 'Never' }, 'u'), 'exec plugin: invalid apiVersion "v2"');
});

test('ExecCredential answers: the configured version, a token or a certificate and key, an expiry that is a time', () => {
  const answer = (status: object, apiVersion = V1, kind = 'ExecCredential') => JSON.stringify({ apiVersion, kind, status });
  assert.deepEqual(parseExecCredential(answer({ token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' }), V1), {
    token: 't',
    clientCertificateData: null,
    clientKeyData: null,
    expiresAt: Date.parse('2030-01-01T00:00:00Z'),
  });
  assert.deepEqual(parseExecCredential(answer({ clientCertificateData: 'CERT', clientKeyData: 'KEY' }), V1), {
    token: null,
    clientCertificateData: 'CERT',
    clientKeyData: 'KEY',
    expiresAt: null,
  });
  assert.equal(parseExecCredential(answer({ clientCertificateData: 'CERT' }), V1), 'it returned only one of a client certificate and its key');
  assert.equal(parseExecCredential(answer({}), V1), 'it returned neither a token nor a client certificate and key');
  assert.equal(parseExecCredential(answer({ token: 't', expirationTimestamp: 'soon' }), V1), 'its expirationTimestamp is not a time');
  assert.equal(parseExecCredential(answer({ token: 't' }, V1, 'Secret'), V1), 'its output is not an ExecCredential in JSON');
  assert.equal(parseExecCredential(answer({ token: 't' }, 'evil/v9'), V1), `it is configured for ${V1} but answered another version`);
  assert.equal(parseExecCredential('{"status": {"token": s3cret', V1), 'its output is not an ExecCredential in JSON');
});

test("userAuth: exec leaves client-node, oidc keeps client-go's keys, other providers and mixtures are refused", () => {
  const exec = userAuth({ name: 'u', token: 'static', exec: { apiVersion: V1, command: 'x', interactiveMode: 'Never' } }, CLUSTER, RUN);
  assert.equal(exec.user?.exec, undefined);
  assert.equal(exec.user?.token, 'static');
  assert.ok(exec.credentials instanceof ExecPluginCredentials);

  const config = { 'id-token': 'i', 'client-id': 'c', tokenFile: '/etc/shadow', exec: { command: 'sh' } };
  const oidc = userAuth({ name: 'u', authProvider: { name: 'oidc', config } }, CLUSTER, RUN);
  assert.deepEqual(oidc.user?.authProvider, { name: 'oidc', config: { 'id-token': 'i', 'client-id': 'c' } });
  assert.equal(oidc.credentials, null);

  assert.deepEqual(userAuth({ name: 'u', token: 't' }, CLUSTER, RUN), { user: { name: 'u', token: 't' }, credentials: null });
  assert.deepEqual(userAuth(undefined, CLUSTER, RUN), { user: undefined, credentials: null });
  assert.throws(
    () => userAuth({ name: 'u', authProvider: { name: 'oidc' }, exec: { apiVersion: V1, command: 'x' } }, CLUSTER, RUN),
    (error: unknown) =>
      error instanceof ClusterError &&
      error.code === 'unauthorized' &&
      error.message === 'Kubeconfig user "u" cannot be used: authProvider cannot be provided in combination with an exec plugin for u.',
  );
  assert.throws(() => userAuth({ name: 'u', authProvider: { name: 'openstack' } }, CLUSTER, RUN), {
    message: 'Kubeconfig user "u" cannot be used: no Auth Provider found for name "openstack".',
  });
});
