/**
 * Tool detection on a PATH made for the test (small scripts standing in for the tools), and the
 * choice of tool (pickTool, and chooseBuildTool, which the CLI and the client run with). The real
 * docker daemon probe is tested in docker.real.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseBuildTool } from '../../server/src/tools';
import { detectTools, findExecutable, pickTool } from '../../server/src/tools/detect';
import type { DetectedTool } from '../../server/src/tools/types';
import { tempFolder } from '../helpers/buildTools';
import { removeFolder } from '../helpers/registry/cleanup';

const root = tempFolder('detect');
after(() => removeFolder(root));

function bin(dir: string, name: string, script: string, mode = 0o755): string {
  mkdirSync(join(root, dir), { recursive: true });
  const path = join(root, dir, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, mode);
  return path;
}

test('findExecutable takes the first executable file on the PATH given', () => {
  bin('a', 'podman', 'exit 0', 0o644);
  mkdirSync(join(root, 'b', 'podman'), { recursive: true });
  const real = bin('c', 'podman', 'exit 0');
  bin('d', 'podman', 'exit 0');
  const path = ['', join(root, 'a'), join(root, 'b'), join(root, 'c'), join(root, 'd')].join(':');
  assert.equal(findExecutable('podman', { PATH: path }), real);
  assert.equal(findExecutable('podman', { PATH: join(root, 'a') }), null);
  assert.equal(findExecutable('podman', {}), null);
});

test('detectTools: each tool in order, installed or not; docker only when its daemon answers', async () => {
  bin('tools', 'buildah', 'exit 0');
  const docker = bin('tools', 'docker', 'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1');
  const found = await detectTools({ env: { PATH: join(root, 'tools') } });
  assert.deepEqual(found, [
    {
      name: 'docker',
      executable: docker,
      usable: false,
      reason:
        'docker is installed but its daemon did not answer: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    },
    { name: 'podman', executable: null, usable: false, reason: 'podman is not installed (not found on PATH)' },
    { name: 'buildah', executable: join(root, 'tools', 'buildah'), usable: true, reason: null },
    { name: 'nerdctl', executable: null, usable: false, reason: 'nerdctl is not installed (not found on PATH)' },
  ]);
});

test('the docker probe asks for the server version with the environment given', async () => {
  const docker = bin('probe', 'docker', 'exit 0');
  const asked: Array<{ argv: readonly string[]; host: string | undefined }> = [];
  const found = await detectTools({
    env: { PATH: join(root, 'probe'), DOCKER_HOST: 'tcp://127.0.0.1:2375' },
    runProbe: async (argv, env) => {
      asked.push({ argv, host: env.DOCKER_HOST });
      return '20.10.24+dfsg1\n';
    },
  });
  assert.deepEqual(asked, [{ argv: [docker, 'version', '--format', '{{.Server.Version}}'], host: 'tcp://127.0.0.1:2375' }]);
  assert.deepEqual(found[0], { name: 'docker', executable: docker, usable: true, reason: null });
});

const detected: DetectedTool[] = [
  { name: 'docker', executable: '/usr/bin/docker', usable: false, reason: 'docker is installed but its daemon did not answer: refused' },
  { name: 'podman', executable: null, usable: false, reason: 'podman is not installed (not found on PATH)' },
  { name: 'buildah', executable: '/usr/bin/buildah', usable: true, reason: null },
  { name: 'nerdctl', executable: '/usr/bin/nerdctl', usable: true, reason: null },
];

test('pickTool: auto takes the first usable one; a named one is used only when usable, else its reason', () => {
  assert.deepEqual(pickTool('auto', detected), { ok: true, name: 'buildah', executable: '/usr/bin/buildah' });
  assert.deepEqual(pickTool('nerdctl', detected), { ok: true, name: 'nerdctl', executable: '/usr/bin/nerdctl' });
  assert.deepEqual(pickTool('docker', detected), { ok: false, reason: 'docker is installed but its daemon did not answer: refused' });
  assert.deepEqual(pickTool('podman', detected), { ok: false, reason: 'podman is not installed (not found on PATH)' });
});

test('pickTool: with nothing usable, auto says why for each tool', () => {
  const none = detected.map((tool) =>
    tool.usable ? { ...tool, executable: null, usable: false, reason: `${tool.name} is not installed (not found on PATH)` } : tool,
  );
  assert.deepEqual(pickTool('auto', none), {
    ok: false,
    reason:
      'No build tool can be used: docker is installed but its daemon did not answer: refused; podman is not installed (not found on PATH); ' +
      'buildah is not installed (not found on PATH); nerdctl is not installed (not found on PATH).',
  });
});

test('chooseBuildTool: the tool picked among those found on the PATH given, ready to run with that environment; else why none', async () => {
  const buildah = bin('choose', 'buildah', 'echo "buildah says $MARKER"');
  const env = { PATH: join(root, 'choose'), MARKER: 'hello' };
  const choice = await chooseBuildTool('auto', { env });
  assert.ok(choice.ok);
  assert.deepEqual([choice.tool.name, choice.tool.executable], ['buildah', buildah]);
  const lines: string[] = [];
  await choice.tool.login({ registry: '127.0.0.1:5000', username: 'u', password: 'p', tlsVerify: false }, { output: (line) => lines.push(line) });
  assert.deepEqual(lines, ['buildah says hello']);
  assert.deepEqual(await chooseBuildTool('podman', { env }), { ok: false, reason: 'podman is not installed (not found on PATH)' });
});

test("chooseBuildTool: a named tool is the only one looked for (docker's daemon is not asked for buildah)", async () => {
  bin('named', 'docker', 'exit 0');
  const buildah = bin('named', 'buildah', 'exit 0');
  const probed: Array<readonly string[]> = [];
  const runProbe = async (argv: readonly string[]): Promise<string> => {
    probed.push(argv);
    return '27.0.0\n';
  };
  const choice = await chooseBuildTool('buildah', { env: { PATH: join(root, 'named') }, runProbe });
  assert.ok(choice.ok);
  assert.deepEqual([choice.tool.name, choice.tool.executable], ['buildah', buildah]);
  assert.deepEqual(probed, []);
  const auto = await chooseBuildTool('auto', { env: { PATH: join(root, 'named') }, runProbe });
  assert.ok(auto.ok);
  assert.equal(auto.tool.name, 'docker');
  assert.equal(probed.length, 1);
});
