/**
 * `image-aware check` and `pin` on Helm charts, run as real processes; pin against a real registry
 * on loopback. Copies of the chart fixtures (test/fixtures/helm/) point their images at the
 * registry: the Bitnami chart through `global.imageRegistry`, which wins over each image's
 * registry; the helm create chart through its repository, its empty tag standing for appVersion;
 * a chart beside a Dockerfile, each file read its own way.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';
import { HELM_FIXTURES } from '../helpers/charts';
import { runCliAsync } from './runCli';
import { isolatedEnv, registryWith, temporaryDir } from './registrySetup';

let registry: RunningRegistry;
let nginx: string;
let exporter: string;

before(async () => {
  registry = await registryWith();
  const [a, b] = await Promise.all([
    pushImage(registry, 'bitnami/nginx', '1.29.1-debian-12-r0'),
    pushImage(registry, 'bitnami/nginx-exporter', '1.4.2-debian-12-r6'),
    pushImage(registry, 'team/app', '1.16.0'),
  ]);
  nginx = a.digest;
  exporter = b.digest;
});

/** A copy of a fixture chart whose values.yaml is `edit`ed. */
function chartCopy(name: string, edit: (values: string) => string): string {
  const dir = temporaryDir('image-aware-cli-helm-');
  cpSync(join(HELM_FIXTURES, name), dir, { recursive: true });
  writeFileSync(join(dir, 'values.yaml'), edit(readFileSync(join(dir, 'values.yaml'), 'utf8')));
  return dir;
}

test('check reads a values file with its chart: the rendered reference, marked on the scalar that holds it', async () => {
  const dir = chartCopy('create', (values) => values);
  const run = await runCliAsync(['check', '--format', 'json', 'values.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 0, run.stderr);
  const findings = JSON.parse(run.stdout) as Array<{ file: string; line: number; column: number; code: string; message: string }>;
  assert.deepEqual(
    findings.map((d) => `${d.file}:${d.line}:${d.column} ${d.code}`),
    ['values.yaml:9:15 not-pinned', 'values.yaml:10:15 redundant-pull-policy'],
  );
  assert.match(findings[0].message, /^The chart renders "nginx:1\.16\.0" \(its tag is appVersion in Chart\.yaml\)/);
});

test('pin writes the digests into a Bitnami chart’s values, asking the registry global.imageRegistry names', async () => {
  const dir = chartCopy('bitnami', (values) => values.replace('imageRegistry: ""', `imageRegistry: ${registry.host}`));
  const before = readFileSync(join(dir, 'values.yaml'), 'utf8');
  const run = await runCliAsync(['pin', 'values.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'values.yaml\n');
  assert.match(run.stderr, /Pinned 2 images in 1 file \(2 unique references asked\)\./);
  const expected = before
    .replace('  digest: ""\n  ## Specify', `  digest: "${nginx}"\n  ## Specify`)
    .replace('    digest: ""\n', `    digest: "${exporter}"\n`);
  assert.equal(readFileSync(join(dir, 'values.yaml'), 'utf8'), expected);
  // The templates' image renders without the tag now: check finds nothing left to pin.
  const check = await runCliAsync(['check', '--format', 'json', '.'], { cwd: dir, env: isolatedEnv().env });
  const findings = JSON.parse(check.stdout) as Array<{ file: string; code: string }>;
  assert.deepEqual(
    findings.filter((d) => d.file === 'values.yaml').map((d) => d.code),
    ['redundant-pull-policy', 'redundant-pull-policy'],
  );
});

test('pin refuses a helm create chart whose templates read no digest, and says what they need', async () => {
  const dir = chartCopy('create', (values) => values.replace('repository: nginx', `repository: ${registry.host}/team/app`));
  const before = readFileSync(join(dir, 'values.yaml'), 'utf8');
  const run = await runCliAsync(['pin', 'values.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /values\.yaml: cannot pin .*team\/app:1\.16\.0: .*the chart's templates do not read \.Values\.image\.digest/);
  assert.equal(readFileSync(join(dir, 'values.yaml'), 'utf8'), before);
});

test('check and pin on a chart beside the Dockerfile of its image: the values with their chart, the Dockerfile by its name', async () => {
  const dir = chartCopy('bitnami', (values) => values.replace('imageRegistry: ""', `imageRegistry: ${registry.host}`));
  const base = `${registry.host}/bitnami/nginx:1.29.1-debian-12-r0`;
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${base} AS web\nCOPY --from=web /app /app\n`);
  const check = await runCliAsync(['check', '--format', 'json', '.'], { cwd: dir, env: isolatedEnv().env });
  const findings = JSON.parse(check.stdout) as Array<{ file: string; line: number; code: string; message: string }>;
  assert.deepEqual(
    findings.filter((d) => d.code === 'not-pinned').map((d) => `${d.file}:${d.line}`),
    ['Dockerfile:1', 'values.yaml:18', 'values.yaml:31'],
  );
  const run = await runCliAsync(['pin', 'Dockerfile', 'values.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'Dockerfile\nvalues.yaml\n');
  assert.match(run.stderr, /Pinned 3 images in 2 files \(2 unique references asked\)\./);
  assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), `FROM ${base}@${nginx} AS web\nCOPY --from=web /app /app\n`);
});
