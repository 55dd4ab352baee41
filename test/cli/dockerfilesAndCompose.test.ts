/**
 * `image-aware check --online` and `pin` on a folder holding a Dockerfile, a `Dockerfile.dev` and a
 * Compose file, run as real processes against a real registry on loopback: the folder search finds
 * them by name, findings are at their exact positions, and pin rewrites only the image tokens (an
 * ARG default used by FROM, a `COPY --from` image behind a `\` continuation, a Compose service's
 * image), leaving stage names, `scratch` and a built service's image alone.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';
import { runCliAsync } from './runCli';
import { isolatedEnv, registryWith, temporaryDir } from './registrySetup';

let registry: RunningRegistry;
let digests: Record<string, string>;

before(async () => {
  registry = await registryWith();
  const [base, tools, app] = await Promise.all([
    pushImage(registry, 'team/base', '1.0'),
    pushImage(registry, 'team/tools', '2.0'),
    pushImage(registry, 'team/app', '1.0'),
  ]);
  digests = { base: base.digest, tools: tools.digest, app: app.digest };
});

function dockerfile(host: string, base = `${host}/team/base:1.0`, tools = `${host}/team/tools:2.0`): string {
  return [
    `ARG BASE=${base}`,
    'FROM ${BASE} AS build',
    'RUN make',
    'FROM scratch',
    'COPY --from=build /out /out',
    `COPY --from=${tools} \\`,
    '     /bin/tool /bin/tool',
    '',
  ].join('\n');
}

function compose(host: string, app = `${host}/team/app:1.0`): string {
  return [
    'services:',
    '  app:',
    `    image: ${app}`,
    '  missing:',
    `    image: ${host}/team/none:3`,
    '  built:',
    '    build: .',
    `    image: ${host}/team/built:1`,
    '',
  ].join('\n');
}

function folder(): string {
  const dir = temporaryDir();
  writeFileSync(join(dir, 'Dockerfile'), dockerfile(registry.host));
  writeFileSync(join(dir, 'Dockerfile.dev'), `FROM ${registry.host}/team/base:9.9\n`);
  writeFileSync(join(dir, 'compose.yaml'), compose(registry.host));
  return dir;
}

interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
}

test('check --online finds the Dockerfiles and the Compose file of a folder and reports at exact positions', async () => {
  const dir = folder();
  const run = await runCliAsync(['check', '--online', '--format', 'json', '.'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 1, run.stderr);
  const found = (JSON.parse(run.stdout) as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`);
  const host = registry.host;
  assert.deepEqual(found, [
    'Dockerfile:1:10 not-pinned',
    'Dockerfile:6:13 not-pinned',
    'Dockerfile.dev:1:6 not-pinned',
    `Dockerfile.dev:1:${6 + `${host}/team/base:`.length} tag-not-found`,
    'compose.yaml:3:12 not-pinned',
    'compose.yaml:5:12 not-pinned',
    `compose.yaml:5:${12 + `${host}/team/none:`.length} tag-not-found`,
  ]);
});

test('pin rewrites the image tokens of the Dockerfile and the Compose file, byte for byte', async () => {
  const dir = folder();
  const run = await runCliAsync(['pin', '.'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.stdout, 'Dockerfile\ncompose.yaml\n', run.stderr);
  assert.match(run.stderr, /Pinned 3 images in 2 files/);
  const host = registry.host;
  assert.equal(
    readFileSync(join(dir, 'Dockerfile'), 'utf8'),
    dockerfile(host, `${host}/team/base:1.0@${digests.base}`, `${host}/team/tools:2.0@${digests.tools}`),
  );
  assert.equal(readFileSync(join(dir, 'compose.yaml'), 'utf8'), compose(host, `${host}/team/app:1.0@${digests.app}`));
  assert.equal(readFileSync(join(dir, 'Dockerfile.dev'), 'utf8'), `FROM ${host}/team/base:9.9\n`);
});
