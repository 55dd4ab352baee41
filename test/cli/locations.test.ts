/**
 * The CLI on image fields outside a Deployment's containers, as a real process: `check` on a custom
 * resource fixture, `check` reporting the problems of `.image-aware.yaml` (from the working
 * directory, or --config) as invalid-config findings while the good entries still apply, and `pin`
 * against a real registry on loopback pinning a Tekton step, an image volume, a KubeVirt disk and a
 * user's own resource byte-minimally; a broken mapping makes `pin` change nothing.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';
import { REPO_ROOT, runCli, runCliAsync } from './runCli';
import { isolatedEnv, readTree, registryWith, temporaryDir } from './registrySetup';

interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
}

function findings(stdout: string): string[] {
  return (JSON.parse(stdout) as JsonFinding[]).map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`);
}

test('check finds the image fields of custom resources: a Tekton fixture', () => {
  const run = runCli(['check', '--format', 'json', '--fail-on', 'never', 'test/fixtures/manifests/crds/tekton.yaml']);
  assert.equal(run.status, 0, run.stderr);
  const file = 'test/fixtures/manifests/crds/tekton.yaml';
  // The TaskRun's and PipelineRun's podTemplate secrets are defined in no file checked.
  assert.deepEqual(findings(run.stdout), [
    `${file}:17:12 not-pinned`,
    `${file}:21:14 templated-image`,
    `${file}:39:13 unknown-pull-secret`,
    `${file}:47:66 latest-tag`,
    `${file}:48:24 redundant-pull-policy`,
    `${file}:67:20 implicit-latest`,
    `${file}:75:20 not-pinned`,
    `${file}:85:13 unknown-pull-secret`,
    `${file}:92:22 not-pinned`,
    `${file}:121:18 not-pinned`,
  ]);
});

const MAPPING = [
  'resources:',
  '  - group: example.com',
  '    kind: Widget',
  '    images:',
  '      - path: spec.engine.image',
  '        pullPolicy: enginePullPolicy',
  '  - group: example.com',
  '    kind: Gadget',
  '    podSpec: [spec.template.spec]',
  '',
].join('\n');

const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  engine:\n    image: nginx\n';

test('check reports the problems of .image-aware.yaml in it, and its good entries still find images', () => {
  const dir = temporaryDir();
  writeFileSync(join(dir, '.image-aware.yaml'), MAPPING);
  writeFileSync(join(dir, 'widget.yaml'), WIDGET);
  const run = runCli(['check', '--format', 'json', 'widget.yaml'], { cwd: dir });
  assert.equal(run.status, 1, run.stderr);
  assert.deepEqual(findings(run.stdout), ['widget.yaml:7:12 implicit-latest', '.image-aware.yaml:9:5 invalid-config']);
  // Checking the folder reads the mapping once, as the file it is.
  const folder = runCli(['check', '--format', 'json', '.'], { cwd: dir });
  assert.deepEqual(findings(folder.stdout), ['.image-aware.yaml:9:5 invalid-config', 'widget.yaml:7:12 implicit-latest']);
  // --config names another file, which must exist.
  writeFileSync(join(dir, 'mapping.yaml'), MAPPING.replace('podSpec:', 'podSpecs:'));
  const other = runCli(['check', '--format', 'json', '--config', 'mapping.yaml', 'widget.yaml'], { cwd: dir });
  assert.deepEqual(findings(other.stdout), ['widget.yaml:7:12 implicit-latest']);
  const missing = runCli(['check', '--config', 'nowhere.yaml', 'widget.yaml'], { cwd: dir });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read nowhere\.yaml/);
  // Without a mapping, the Widget is no manifest at all.
  const without = runCli(['check', '--format', 'json', join(dir, 'widget.yaml')], { cwd: REPO_ROOT });
  assert.deepEqual(findings(without.stdout), []);
});

let registry: RunningRegistry;
let digests: Record<string, string>;

before(async () => {
  registry = await registryWith();
  const pushed = await Promise.all(
    ['step:1.0', 'artifact:v2', 'disk:devel', 'engine:3'].map((ref) => pushImage(registry, `team/${ref.split(':')[0]}`, ref.split(':')[1])),
  );
  digests = Object.fromEntries(pushed.map((p, i) => [['step', 'artifact', 'disk', 'engine'][i], p.digest]));
});

function workspace(host: string): Record<string, string> {
  return {
    '.image-aware.yaml': MAPPING.replace('podSpec:', 'podSpecs:'),
    'task.yaml': `apiVersion: tekton.dev/v1\nkind: Task\nmetadata:\n  name: t\nspec:\n  steps:\n    - name: build # the step\n      image: '${host}/team/step:1.0'\n`,
    'pod.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n  volumes:\n  - name: v\n    image: {reference: ${host}/team/artifact:v2, pullPolicy: IfNotPresent}\n`,
    'vm.yaml': `apiVersion: kubevirt.io/v1\nkind: VirtualMachineInstance\nmetadata:\n  name: vm\nspec:\n  volumes:\n  - name: disk\n    containerDisk:\n      image: "${host}/team/disk:devel"\n`,
    'widget.yaml': `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  engine:\n    image: ${host}/team/engine:3\n`,
  };
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

test('pin pins a Tekton step, an image volume, a KubeVirt disk and a mapped resource, changing only the images', async () => {
  const dir = temporaryDir();
  const files = workspace(registry.host);
  write(dir, files);
  const { env } = isolatedEnv();
  const run = await runCliAsync(['pin', '.'], { cwd: dir, env });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, 'pod.yaml\ntask.yaml\nvm.yaml\nwidget.yaml\n');
  const pinned = (file: string, name: string, tag: string): string => files[file].replace(`team/${name}:${tag}`, `team/${name}:${tag}@${digests[name]}`);
  assert.deepEqual(readTree(dir), {
    '.image-aware.yaml': files['.image-aware.yaml'],
    'task.yaml': pinned('task.yaml', 'step', '1.0'),
    'pod.yaml': pinned('pod.yaml', 'artifact', 'v2'),
    'vm.yaml': pinned('vm.yaml', 'disk', 'devel'),
    'widget.yaml': pinned('widget.yaml', 'engine', '3'),
  });
});

test('pin with a broken .image-aware.yaml changes nothing and says where the problem is', async () => {
  const dir = temporaryDir();
  const files: Record<string, string> = { ...workspace(registry.host), '.image-aware.yaml': MAPPING };
  write(dir, files);
  const { env } = isolatedEnv();
  const run = await runCliAsync(['pin', '.'], { cwd: dir, env });
  assert.equal(run.status, 2);
  assert.equal(
    run.stderr,
    'image-aware: .image-aware.yaml has a problem (line 9: Unknown key "podSpec"; a resource has kind, group, apiVersion, podSpecs, containers, images, pullSecrets.); ' +
      'run image-aware check .image-aware.yaml to see it. Nothing was changed.\n',
  );
  assert.deepEqual(readTree(dir), files);
  assert.equal(readFileSync(join(dir, 'task.yaml'), 'utf8'), files['task.yaml']);
});
