/**
 * `image-aware check --kustomize DIR`, run as a real process over the kustomize fixtures (kustomize's
 * own examples, test/fixtures/kustomize): what is checked is what each build writes, each finding on a
 * rewritten image is shown at the images: entry field that wrote it, exit codes follow --fail-on, a
 * build kustomize refuses exits 2, and with --online a real registry on loopback is asked about the
 * built images, its answers shown at the overlay's newTag and digest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage } from '../helpers/registry';
import { REPO_ROOT, runCli, runCliAsync } from './runCli';
import { countingProxy, isolatedEnv, manifestRequests, registryWith, temporaryDir } from './registrySetup';

const FIXTURES = 'test/fixtures/kustomize';

interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

function json(args: readonly string[], cwd = REPO_ROOT): { status: number | null; findings: JsonFinding[]; stderr: string } {
  const run = runCli(['check', '--kustomize', '--format', 'json', ...args], { cwd });
  assert.notEqual(run.stdout, '', run.stderr);
  return { status: run.status, findings: JSON.parse(run.stdout) as JsonFinding[], stderr: run.stderr };
}

function where(findings: readonly JsonFinding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code}`);
}

test('an overlay that retags the base: the finding is at its newTag, and --fail-on decides the exit', () => {
  const staging = `${FIXTURES}/hello-world/overlays/staging`;
  const { status, findings } = json([staging]);
  assert.equal(status, 0);
  assert.deepEqual(where(findings), [`${staging}/kustomization.yaml:15:11 hint not-pinned`]);
  assert.equal(
    findings[0].message,
    '"monopole/hello:2" is not pinned to a digest: if tag "2" is pushed again, new pods run different bytes. ' +
      `(kustomize build ${staging}: container "the-container" in ${FIXTURES}/hello-world/base/deployment.yaml, image "monopole/hello:1")`,
  );
  assert.equal(runCli(['check', '--kustomize', '--fail-on', 'hint', staging]).status, 1);
  // The files of the build only: the base's four, the overlay's kustomization; not its patch map.yaml.
  assert.match(runCli(['check', '--kustomize', staging]).stderr, /^5 files checked: 0 errors, 0 warnings, 0 information, 1 hint\n$/);
  // The production overlay pins a digest: nothing to report.
  assert.deepEqual(json([`${FIXTURES}/hello-world/overlays/production`]).findings, []);
});

test('components: each finding at the entry that wrote it, in the overlay or in a component', () => {
  const { status, findings } = json([`${FIXTURES}/components/overlays/enterprise`]);
  assert.equal(status, 1);
  assert.deepEqual(where(findings), [
    `${FIXTURES}/components/overlays/enterprise/kustomization.yaml:16:11 warning latest-tag`,
    `${FIXTURES}/components/components/registry/kustomization.yaml:15:11 hint not-pinned`,
  ]);
  assert.match(
    findings[1].message,
    /"registry\.example\.com\/redis:7\.2" is not pinned.*container "redis" in .*components\/registry\/cache\.yaml, image "redis:7"/,
  );
});

test('nested bases: an image the overlay pins is no finding, one it leaves is still one, each where it is edited', () => {
  const nested = `${FIXTURES}/nested`;
  // Checked as a file, the base's `busybox` means :latest.
  const asFile = JSON.parse(runCli(['check', '--format', 'json', `${nested}/base/workloads.yaml`]).stdout) as JsonFinding[];
  assert.ok(asFile.some((f) => f.code === 'implicit-latest' && f.line === 46));
  const { findings } = json([`${nested}/top`]);
  assert.deepEqual(where(findings), [
    `${nested}/middle/kustomization.yaml:7:14 hint not-pinned`,
    `${nested}/middle/kustomization.yaml:7:14 hint not-pinned`,
    `${nested}/middle/kustomization.yaml:7:14 hint not-pinned`,
    // kustomize reads the "." of my.registry/tool as any character, so it rewrites myXregistry/tool:1,
    // whose first component is read as a registry host.
    `${nested}/base/kustomization.yaml:11:11 warning uppercase-registry`,
    `${nested}/base/kustomization.yaml:11:11 hint not-pinned`,
    // The image volume and the ephemeral container: the transformer does not reach them.
    `${nested}/base/workloads.yaml:22:22 hint not-pinned`,
    `${nested}/base/workloads.yaml:49:12 hint not-pinned`,
  ]);
  assert.match(findings[0].message, /^"mirror\.example\.com\/app:1\.0-rc-rc" is not pinned/);
  assert.match(findings[2].message, /^"mirror\.example\.com\/app:1\.0-rc" is not pinned.*container "report"/);
});

test('examples/image.md: the kustomization kustomize refuses is an error at the number', () => {
  const { status, findings } = json([`${FIXTURES}/image-demo`]);
  assert.equal(status, 1);
  assert.deepEqual(where(findings)[0], `${FIXTURES}/image-demo/kustomization.yaml:8:11 error image-not-string`);
});

test('a build kustomize refuses stops the check with exit 2 and the reason', () => {
  const dir = temporaryDir();
  for (const [folder, other] of [
    ['a', 'b'],
    ['b', 'a'],
  ]) {
    mkdirSync(join(dir, folder));
    writeFileSync(join(dir, folder, 'kustomization.yaml'), `resources: [../${other}]\n`);
  }
  const cycle = runCli(['check', '--kustomize', 'a'], { cwd: dir });
  assert.equal(cycle.status, 2);
  assert.match(cycle.stderr, /kustomize cannot build a: b\/kustomization\.yaml: \.\.\/a is .*cycle/);
  const stdin = runCli(['check', '--kustomize', '-'], { cwd: dir });
  assert.equal(stdin.status, 2);
  assert.match(stdin.stderr, /cannot read standard input/);
});

test('a patch that writes an image is named on standard error, since patches are not applied; one that does not is not', () => {
  const dir = temporaryDir();
  const files: Record<string, string> = {
    'base/kustomization.yaml': 'resources: [deploy.yaml]\n',
    'base/deploy.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1.0\n',
    'prod/kustomization.yaml': 'resources: [../base]\npatches:\n- path: image.yaml\n- path: replicas.yaml\n',
    'prod/image.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:2.0\n',
    'prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = runCli(['check', '--kustomize', 'prod'], { cwd: dir });
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stderr,
    /^image-aware: prod\/image\.yaml, a patch of prod\/kustomization\.yaml, writes an image; patches are not applied here, so that image is not checked\.\n/,
  );
  assert.doesNotMatch(run.stderr, /replicas\.yaml/);
});

test('an images: name read as a regular expression that is not evaluated here is named once on standard error', () => {
  const dir = temporaryDir();
  mkdirSync(join(dir, 'app'));
  writeFileSync(
    join(dir, 'app', 'pod.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: web:1\n  - name: b\n    image: api:1\n',
  );
  writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources: [pod.yaml]\nimages:\n- name: "[a-z]+"\n  newTag: "2"\n');
  const run = runCli(['check', '--kustomize', 'app'], { cwd: dir });
  assert.equal(
    run.stderr.split('\n')[0],
    'image-aware: app/kustomization.yaml images[0]: its name is a regular expression that is not evaluated here, so the images it may change are checked as written.',
  );
  assert.match(run.stderr.split('\n')[1], /^2 files checked/);
});

test('check --kustomize --online: the registry is asked about the built images, its answers shown where the overlay sets them', async () => {
  const registry = await registryWith();
  const pushed = await pushImage(registry, 'team/app', '1.0');
  const proxy = await countingProxy(registry);
  const host = proxy.host;
  const dir = temporaryDir();
  const files: Record<string, string> = {
    'base/kustomization.yaml': 'resources:\n- pod.yaml\n',
    'base/pod.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: ${host}/team/app:1.0\n    imagePullPolicy: IfNotPresent\n`,
    'missing-tag/kustomization.yaml': `resources:\n- ../base\nimages:\n- name: ${host}/team/app\n  newTag: "2.0"\n`,
    'pinned/kustomization.yaml': `resources:\n- ../base\nimages:\n- name: ${host}/team/app\n  digest: ${pushed.digest}\n`,
    // The same image as missing-tag builds, through a base of its own.
    'again/kustomization.yaml': `resources:\n- ../missing-tag\n`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const run = await runCliAsync(['check', '--kustomize', '--online', '--format', 'json', 'missing-tag', 'pinned', 'again'], {
    cwd: dir,
    env: isolatedEnv().env,
  });
  assert.equal(run.status, 1, run.stderr);
  const findings = JSON.parse(run.stdout) as JsonFinding[];
  // missing-tag's entry writes the image of two builds, missing-tag and again: each says so.
  const entry = ['hint not-pinned', 'error tag-not-found'].map((f) => `missing-tag/kustomization.yaml:5:11 ${f}`);
  assert.deepEqual(where(findings), [...entry, ...entry, ...Array(3).fill('base/pod.yaml:9:22 hint redundant-pull-policy')]);
  assert.match(findings[1].message, /no tag "2\.0".*1\.0/);
  assert.deepEqual(
    findings.map((f) => /kustomize build (\S+):|as kustomize builds (\S+)\)/.exec(f.message)?.slice(1).join('')),
    ['missing-tag', 'missing-tag', 'again', 'again', 'missing-tag', 'pinned', 'again'],
  );
  // Each built image is asked about once, however many builds write it; the image as written is not asked about.
  assert.deepEqual(
    manifestRequests(proxy)
      .map((r) => `${r.method} ${r.path}`)
      .sort(),
    ['HEAD /v2/team/app/manifests/2.0', `HEAD /v2/team/app/manifests/${pushed.digest}`],
  );
});
