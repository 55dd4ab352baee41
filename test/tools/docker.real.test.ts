/**
 * The build-tool adapter against real docker: a private dockerd (Debian docker.io 20.10, legacy
 * builder) started for this file, driven by the docker client on PATH (28.x here, which negotiates
 * down to the daemon's API 1.41), with a private DOCKER_CONFIG. Also detection: docker counts only
 * when its daemon answers, with DOCKER_HOST taken from the environment given.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { detectTools } from '../../server/src/tools';
import type { DetectedTool } from '../../server/src/tools';
import { startDockerd, tempFolder } from '../helpers/buildTools';
import type { RunningDockerd } from '../helpers/buildTools';
import { removeFolder } from '../helpers/registry/cleanup';
import { realToolSuite } from './realToolSuite';

let dockerd: RunningDockerd | undefined;

realToolSuite(
  'docker',
  async () => {
    dockerd = await startDockerd();
    return { env: dockerd.env, authFile: join(dockerd.configDir, 'config.json'), stop: () => dockerd!.stop() };
  },
  {
    unknownInstruction: /^Error response from daemon: dockerfile parse error line 2: unknown instruction: FROBNICATE/,
    unauthorized: /^no basic auth credentials$/,
    wrongPassword: /^Error response from daemon: login attempt to http:\/\/127\.0\.0\.1:\d+\/v2\/ failed with status: 401 Unauthorized$/,
    runStepsAreChildren: false,
  },
);

test('docker counts when its daemon at DOCKER_HOST answers, with either docker client', async () => {
  const running = dockerd;
  assert.ok(running, 'dockerd was started by the suite');
  for (const client of ['/usr/local/bin', '/usr/bin']) {
    const env: Record<string, string> = { ...running.env, PATH: `${client}:/usr/sbin:/usr/bin:/sbin:/bin` };
    const docker: DetectedTool = (await detectTools({ env })).find((tool) => tool.name === 'docker')!;
    assert.deepEqual(docker, { name: 'docker', executable: join(client, 'docker'), usable: true, reason: null });
  }
});

let silent: Server | undefined;
let silentDir: string | undefined;

before(async () => {
  silentDir = tempFolder('silent-daemon');
  // A socket that accepts connections and never answers: a hung daemon.
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent!.listen(join(silentDir!, 'docker.sock'), resolve));
});

after(async () => {
  await new Promise((resolve) => silent?.close(resolve));
  if (silentDir) removeFolder(silentDir);
});

test('docker does not count when its daemon is missing or does not answer, and says why', async () => {
  const missing = `unix://${join(silentDir!, 'nothing-here.sock')}`;
  const [gone] = await detectTools({ env: { PATH: process.env.PATH, DOCKER_HOST: missing } });
  assert.equal(gone.usable, false);
  assert.match(gone.reason!, new RegExp(`^docker is installed but its daemon at ${missing} did not answer: .*Cannot connect to the Docker daemon`));

  const hung = `unix://${join(silentDir!, 'docker.sock')}`;
  const started = Date.now();
  const [slow] = await detectTools({ env: { PATH: process.env.PATH, DOCKER_HOST: hung }, probeTimeoutMs: 1000 });
  const took = Date.now() - started;
  assert.equal(slow.reason, `docker is installed but its daemon at ${hung} did not answer within 1 s`);
  assert.ok(took < 4000, `the probe gave up after ${took} ms`);
});
