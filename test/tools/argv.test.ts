/**
 * The argument vectors per tool. buildah, podman and docker are also run for real in
 * *.real.test.ts; nerdctl is tested here only: it needs containerd and is not installable on the
 * machines these tests run on (no Debian package).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildArgv, loginArgv, pushArgv, pushedDigest } from '../../server/src/tools/argv';
import type { BuildRequest } from '../../server/src/tools/types';

const request: BuildRequest = {
  dockerfile: '/ws/web/Dockerfile',
  context: '/ws/web',
  tag: '127.0.0.1:5000/team/web:1.0',
  buildArgs: { VERSION: '1.0', NOTE: 'a b; $(rm -rf /)' },
  target: 'app',
  platform: 'linux/arm64',
};

test('build: -f, -t, one --build-arg per value, --target, --platform, then the context', () => {
  const common = [
    '-f',
    '/ws/web/Dockerfile',
    '-t',
    '127.0.0.1:5000/team/web:1.0',
    '--build-arg',
    'VERSION=1.0',
    '--build-arg',
    'NOTE=a b; $(rm -rf /)',
    '--target',
    'app',
    '--platform',
    'linux/arm64',
    '/ws/web',
  ];
  assert.deepEqual(buildArgv('docker', '/usr/bin/docker', request), ['/usr/bin/docker', 'build', ...common]);
  assert.deepEqual(buildArgv('podman', 'podman', request), ['podman', 'build', ...common]);
  assert.deepEqual(buildArgv('nerdctl', 'nerdctl', request), ['nerdctl', 'build', ...common]);
  assert.deepEqual(buildArgv('buildah', 'buildah', request), ['buildah', 'bud', ...common]);
});

test('build without args, target or platform leaves those flags out', () => {
  const plain = { ...request, buildArgs: {}, target: null, platform: null };
  assert.deepEqual(buildArgv('docker', 'docker', plain), ['docker', 'build', '-f', '/ws/web/Dockerfile', '-t', '127.0.0.1:5000/team/web:1.0', '/ws/web']);
});

test('push: buildah and podman to docker:// with a digest file, TLS per tool', () => {
  const image = '127.0.0.1:5000/team/web:1.0';
  for (const tool of ['buildah', 'podman'] as const) {
    assert.deepEqual(pushArgv(tool, tool, image, false, '/tmp/d'), [tool, 'push', '--digestfile', '/tmp/d', '--tls-verify=false', image, `docker://${image}`]);
    assert.deepEqual(pushArgv(tool, tool, image, true, '/tmp/d'), [tool, 'push', '--digestfile', '/tmp/d', image, `docker://${image}`]);
  }
  assert.deepEqual(pushArgv('nerdctl', 'nerdctl', image, false, '/tmp/d'), ['nerdctl', 'push', '--insecure-registry', image]);
  assert.deepEqual(pushArgv('nerdctl', 'nerdctl', image, true, '/tmp/d'), ['nerdctl', 'push', image]);
  // docker has no TLS flag: its daemon's insecure-registries decide (loopback is always allowed).
  assert.deepEqual(pushArgv('docker', 'docker', image, false, '/tmp/d'), ['docker', 'push', image]);
});

test('login: username on the command line, the password only on stdin', () => {
  const login = { registry: 'registry.example:5000', username: 'ci', tlsVerify: false };
  assert.deepEqual(loginArgv('buildah', 'buildah', login), [
    'buildah',
    'login',
    '--username',
    'ci',
    '--password-stdin',
    '--tls-verify=false',
    'registry.example:5000',
  ]);
  assert.deepEqual(loginArgv('podman', 'podman', { ...login, tlsVerify: true }), [
    'podman',
    'login',
    '--username',
    'ci',
    '--password-stdin',
    'registry.example:5000',
  ]);
  assert.deepEqual(loginArgv('nerdctl', 'nerdctl', login), [
    'nerdctl',
    'login',
    '--username',
    'ci',
    '--password-stdin',
    '--insecure-registry',
    'registry.example:5000',
  ]);
  assert.deepEqual(loginArgv('docker', 'docker', login), ['docker', 'login', '--username', 'ci', '--password-stdin', 'registry.example:5000']);
});

test('pushedDigest reads the last `digest: … size:` line docker prints', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  assert.equal(pushedDigest(['The push refers to repository [127.0.0.1:5000/web]', 'a531a04d94f6: Pushed', `1.0: digest: ${digest} size: 943`]), digest);
  assert.equal(pushedDigest(['Pushed']), null);
});
