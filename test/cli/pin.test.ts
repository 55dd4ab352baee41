/**
 * `image-aware pin`, run as a real process against real registries on loopback. The fixture folder
 * test/fixtures/cli/pin/workspace (containers, and kustomize `images:` entries) is copied with the
 * registry's address filled in, pinned, and
 * compared whole, file by file, with test/fixtures/cli/pin/pinned (or pinned-drop-tag) filled in
 * with the digests the pushes returned; --dry-run must print test/fixtures/cli/pin/dry-run.diff
 * exactly and leave every byte on disk alone. A counting proxy proves one manifest request per
 * unique reference.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage, pushIndex } from '../helpers/registry';
import type { PushedIndex, RunningRegistry } from '../helpers/registry';
import { REPO_ROOT, runCliAsync, startCli } from './runCli';
import { basicAuth, countingProxy, fill, isolatedEnv, manifestRequests, materialize, readTree, registryWith, temporaryDir } from './registrySetup';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'cli', 'pin');

let registry: RunningRegistry;
let multi: PushedIndex;
/** The placeholders of the fixtures: the registry's host and the digest of each pushed image. */
let values: Record<string, string>;

before(async () => {
  registry = await registryWith();
  const [app10, appLatest, sidecar] = await Promise.all([
    pushImage(registry, 'team/app', '1.0'),
    pushImage(registry, 'team/app', 'latest'),
    pushImage(registry, 'team/sidecar', '2.3.1', { format: 'docker' }),
  ]);
  multi = await pushIndex(registry, 'team/multi', 'v1', ['linux/amd64', 'linux/arm64/v8'], { attestations: true });
  values = { REGISTRY: registry.host, 'app:1.0': app10.digest, 'app:latest': appLatest.digest, 'sidecar:2.3.1': sidecar.digest, 'multi:v1': multi.digest };
});

const MISSING_LINE = (host: string): string =>
  `deployment.yaml: cannot pin ${host}/team/app:9.9.9: ${host} has no tag "9.9.9" in team/app\n` +
  `deployment.yaml:27: not pinned: Image "${host}/team/app:\${TAG}" holds a template placeholder; it is checked only once rendered.\n`;

test('pin rewrites the image fields of a folder in place, byte for byte as expected, and lists what it could not resolve', async () => {
  const dir = materialize(join(FIXTURES, 'workspace'), values);
  const { env } = isolatedEnv();
  const run = await runCliAsync(['pin', '.'], { cwd: dir, env });
  assert.equal(run.status, 1, run.stderr);
  // Kustomize `images:` entries with newTag are pinned too: their repositories were asked already.
  assert.equal(run.stdout, 'deployment.yaml\njobs/cronjob.yaml\njobs/kustomization.yaml\n');
  assert.equal(run.stderr, `${MISSING_LINE(registry.host)}Pinned 9 images in 3 files (5 unique references asked); 1 image could not be resolved.\n`);
  assert.deepEqual(readTree(dir), readTree(materialize(join(FIXTURES, 'pinned'), values)));

  // Pinned images are left alone, so a second run changes nothing.
  const again = await runCliAsync(['pin', '.'], { cwd: dir, env });
  assert.equal(again.status, 1);
  assert.equal(again.stdout, '');
  assert.match(again.stderr, /Pinned 0 images in 0 files \(1 unique reference asked\)/);
  assert.deepEqual(readTree(dir), readTree(materialize(join(FIXTURES, 'pinned'), values)));
});

test('pin --dry-run prints the unified diff exactly and changes nothing on disk', async () => {
  const dir = materialize(join(FIXTURES, 'workspace'), values);
  const before = readTree(dir);
  const run = await runCliAsync(['pin', '--dry-run', '.'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 1);
  assert.equal(run.stdout, fill(readFileSync(join(FIXTURES, 'dry-run.diff'), 'utf8'), values));
  assert.equal(run.stderr, `${MISSING_LINE(registry.host)}Would pin 9 images in 3 files (5 unique references asked); 1 image could not be resolved.\n`);
  assert.deepEqual(readTree(dir), before);
});

test('pin --drop-tag writes repo@digest', async () => {
  const dir = materialize(join(FIXTURES, 'workspace'), values);
  const run = await runCliAsync(['pin', '--drop-tag', 'deployment.yaml', 'jobs'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 1);
  assert.deepEqual(readTree(dir), readTree(materialize(join(FIXTURES, 'pinned-drop-tag'), values)));
});

test('pin --platform pins that platform of an index, and the index where the image has only one platform', async () => {
  const dir = temporaryDir();
  const file = join(dir, 'pod.yaml');
  const pod = (multiImage: string, appImage: string): string =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: ${multiImage}\n    - name: b\n      image: ${appImage}\n`;
  writeFileSync(file, pod(`${registry.host}/team/multi:v1`, `${registry.host}/team/app:1.0`));
  const run = await runCliAsync(['pin', '--platform', 'linux/arm64', 'pod.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 0, run.stderr);
  const arm64 = multi.images[1];
  assert.equal(readFileSync(file, 'utf8'), pod(`${registry.host}/team/multi:v1@${arm64.digest}`, `${registry.host}/team/app:1.0@${values['app:1.0']}`));

  writeFileSync(file, pod(`${registry.host}/team/multi:v1`, `${registry.host}/team/app:1.0`));
  const windows = await runCliAsync(['pin', '--platform', 'windows/amd64', 'pod.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(windows.status, 0);
  assert.match(windows.stderr, new RegExp(`pod\\.yaml: ${registry.host}/team/multi:v1 has no windows/amd64 image; pinned its index instead\\.`));
  assert.equal(readFileSync(file, 'utf8'), pod(`${registry.host}/team/multi:v1@${multi.digest}`, `${registry.host}/team/app:1.0@${values['app:1.0']}`));
});

test('pin --platform still asks once per unique reference: one GET by tag gives the index digest and its platforms', async () => {
  const proxy = await countingProxy(registry);
  const dir = temporaryDir();
  const images = [
    `${proxy.host}/team/multi:v1`,
    `${proxy.host}/team/app:1.0`,
    `${proxy.host}/team/multi:v1`,
    `${proxy.host}/team/app:1.0`,
    `${proxy.host}/team/multi:v1`,
  ];
  const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
  writeFileSync(join(dir, 'pod.yaml'), text);
  writeFileSync(join(dir, 'kustomization.yaml'), `images:\n  - name: ${proxy.host}/team/multi\n    newTag: v1\n`);
  const run = await runCliAsync(['pin', '--platform', 'linux/arm64', '.'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, 'Pinned 6 images in 2 files (2 unique references asked).\n');
  // No HEAD before the GET, no GET by digest after it, no config blob.
  assert.deepEqual(
    proxy.requests
      .filter((r) => r.path !== '/v2/')
      .map((r) => `${r.method} ${r.path}`)
      .sort(),
    ['GET /v2/team/app/manifests/1.0', 'GET /v2/team/multi/manifests/v1'],
  );
  const arm64 = multi.images[1].digest;
  assert.equal(
    readFileSync(join(dir, 'pod.yaml'), 'utf8'),
    text.replaceAll('team/multi:v1\n', `team/multi:v1@${arm64}\n`).replaceAll('team/app:1.0\n', `team/app:1.0@${values['app:1.0']}\n`),
  );
  assert.equal(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'), `images:\n  - name: ${proxy.host}/team/multi\n    newTag: v1\n    digest: ${arm64}\n`);
});

test('pin keeps CRLF line endings, a byte-order mark and everything else byte-identical', async () => {
  const dir = temporaryDir();
  const file = join(dir, 'crlf.yaml');
  const text = (image: string): string =>
    `# comment\r\nkind: Pod\r\napiVersion: v1\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: "${image}"  # note\r\n`;
  writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text(`${registry.host}/team/app:1.0`))]));
  const run = await runCliAsync(['pin', file], { env: isolatedEnv().env });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(
    readFileSync(file),
    Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text(`${registry.host}/team/app:1.0@${values['app:1.0']}`))]),
  );
});

test('pin asks once per unique reference: 20 image fields over 4 references in 3 files make exactly 4 manifest requests', async () => {
  const proxy = await countingProxy(registry);
  const dir = temporaryDir();
  const refs = [`${proxy.host}/team/app:1.0`, `${proxy.host}/team/app:latest`, `${proxy.host}/team/sidecar:2.3.1`, `${proxy.host}/team/multi:v1`];
  const digests = [values['app:1.0'], values['app:latest'], values['sidecar:2.3.1'], values['multi:v1']];
  const deployment = (name: string, images: readonly number[]): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n` +
    images.map((image, i) => `        - name: c${i}\n          image: ${refs[image]}\n`).join('');
  const files = { 'a.yaml': [0, 1, 2, 3, 0, 1, 2], 'b.yaml': [3, 2, 1, 0, 3, 2, 1], 'c.yaml': [0, 0, 1, 1, 2, 3] };
  for (const [name, images] of Object.entries(files)) writeFileSync(join(dir, name), deployment(name, images));
  assert.equal(Object.values(files).flat().length, 20);

  const run = await runCliAsync(['pin', '.'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, 'Pinned 20 images in 3 files (4 unique references asked).\n');
  const requests = manifestRequests(proxy);
  assert.deepEqual(requests.map((r) => `${r.method} ${r.path}`).sort(), [
    'HEAD /v2/team/app/manifests/1.0',
    'HEAD /v2/team/app/manifests/latest',
    'HEAD /v2/team/multi/manifests/v1',
    'HEAD /v2/team/sidecar/manifests/2.3.1',
  ]);
  for (const [name, images] of Object.entries(files)) {
    const pinned = images.map((image) => {
      const ref = refs[image];
      return ref.endsWith(':latest') ? `${ref.slice(0, -':latest'.length)}@${digests[image]}` : `${ref}@${digests[image]}`;
    });
    assert.equal(
      readFileSync(join(dir, name), 'utf8'),
      deployment(name, images)
        .split('\n')
        .map((line) => {
          const at = refs.findIndex((ref) => line.endsWith(`image: ${ref}`));
          return at < 0 ? line : line.replace(refs[at], pinned[images.indexOf(at)]);
        })
        .join('\n'),
    );
  }
});

test('pin against a registry that refuses: the images are listed with the reason and exit 1; with credentials and the CA they are pinned', async () => {
  const secured = await registryWith({ auth: 'basic', tls: true });
  const pushed = await pushImage(secured, 'private/app', '3.1');
  const dir = temporaryDir();
  const file = join(dir, 'pod.yaml');
  const text = (image: string): string => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: ${image}\n`;
  writeFileSync(file, text(`${secured.host}/private/app:3.1`));
  const ca = `--ca-file=${secured.host}=${secured.caFile!}`;

  const refused = await runCliAsync(['pin', ca, 'pod.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(refused.status, 1);
  assert.match(
    refused.stderr,
    new RegExp(`^pod\\.yaml: cannot pin ${secured.host}/private/app:3\\.1: ${secured.host} refused access \\(tried anonymous\\)\\.$`, 'm'),
  );
  assert.equal(readFileSync(file, 'utf8'), text(`${secured.host}/private/app:3.1`));

  const { env } = isolatedEnv({ auths: { [secured.host]: { auth: basicAuth(secured.username!, secured.password!) } } });
  const pinned = await runCliAsync(['pin', ca, 'pod.yaml'], { cwd: dir, env });
  assert.equal(pinned.status, 0, pinned.stderr);
  assert.equal(readFileSync(file, 'utf8'), text(`${secured.host}/private/app:3.1@${pushed.digest}`));
});

test('pin usage and read errors exit 2 and change nothing', async () => {
  const dir = materialize(join(FIXTURES, 'workspace'), values);
  const before = readTree(dir);
  for (const [args, message] of [
    [['pin'], /needs at least one PATH/],
    [['pin', '-'], /cannot read standard input/],
    [['pin', '--keep-tag', '--drop-tag', '.'], /exclude each other/],
    [['pin', '--platform', 'amd64', '.'], /--platform expects OS\/ARCH/],
    [['pin', 'no-such-file.yaml'], /cannot read no-such-file\.yaml/],
    [['pin', '--bogus', '.'], /Unknown option '--bogus'/],
    [['pin', '--max-file-size-mb', '0', '.'], /--max-file-size-mb must be a positive number \(got "0"\)/],
  ] as const) {
    const run = await runCliAsync(args, { cwd: dir, env: isolatedEnv().env });
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
  assert.deepEqual(readTree(dir), before);
});

function pod(...images: string[]): string {
  const containers = images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('');
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${containers}`;
}

/** Resolves true once the CLI says it holds before its first rename, false when it ends without saying so. */
function heldBeforeRename(child: ChildProcessWithoutNullStreams, output: { stderr: string }): Promise<boolean> {
  return new Promise((resolve) => {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output.stderr += chunk;
      if (output.stderr.includes('holding before the first rename')) resolve(true);
    });
    child.once('close', () => resolve(false));
  });
}

test('pin killed after staging, before its rename: the file keeps every byte, and the leftover cannot pass for a manifest', { timeout: 60_000 }, async () => {
  const dir = temporaryDir();
  const image = `${registry.host}/team/app:1.0`;
  // 9 MB of comments before the pod: past the editor's default limit of 8 MB, so this also shows that pin reads whole files.
  const text = `${`# ${'x'.repeat(100)}\n`.repeat(90_000)}---\n${pod(image)}`;
  const pinned = text.replace(image, `${image}@${values['app:1.0']}`);
  writeFileSync(join(dir, 'big.yaml'), text);
  const env = { ...isolatedEnv().env, IMAGE_AWARE_TEST_HOLD_BEFORE_RENAME: '1' };

  const child = startCli(['pin', 'big.yaml'], { cwd: dir, env });
  const output = { stderr: '' };
  assert.ok(await heldBeforeRename(child, output), `pin ended without holding before its rename: ${output.stderr}`);
  child.kill('SIGKILL');
  await once(child, 'close');

  assert.ok(readFileSync(join(dir, 'big.yaml')).equals(Buffer.from(text)), 'big.yaml holds its original bytes');
  const left = readdirSync(dir).filter((name) => name !== 'big.yaml');
  assert.equal(left.length, 1, `one staged file is left: ${left.join(', ')}`);
  assert.match(left[0], /^\.big\.yaml\.[0-9a-f]{12}\.tmp$/);
  assert.equal(statSync(join(dir, left[0])).size, Buffer.byteLength(pinned), 'it was staged whole before the kill');
  const checked = await runCliAsync(['check', '--format', 'json', '.'], { cwd: dir });
  assert.deepEqual([...new Set(JSON.parse(checked.stdout).map((f: { file: string }) => f.file))], ['big.yaml'], 'a folder search does not read it');

  // Let go (standard input ends at once), the same command replaces the file.
  const again = await runCliAsync(['pin', 'big.yaml'], { cwd: dir, env });
  assert.equal(again.status, 0, again.stderr);
  assert.ok(readFileSync(join(dir, 'big.yaml')).equals(Buffer.from(pinned)), 'big.yaml is pinned');
  assert.deepEqual(readdirSync(dir).sort(), [left[0], 'big.yaml']);
});

test('pin says where an analysis stopped short (a size limit, a YAML error) and exits 1; the images before it are pinned', async () => {
  const dir = temporaryDir();
  const app = `${registry.host}/team/app:1.0`;
  const sidecar = `${registry.host}/team/sidecar:2.3.1`;
  const limited = `${pod(app)}---\n# ${'x'.repeat(2000)}\n${pod(sidecar)}`;
  const broken = `${pod(app)}    - name: broken\n      image: [${sidecar}\n`;
  writeFileSync(join(dir, 'limited.yaml'), limited);
  writeFileSync(join(dir, 'broken.yaml'), broken);

  const run = await runCliAsync(['pin', '--max-file-size-mb', '0.001', 'limited.yaml', 'broken.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(run.status, 1, run.stderr);
  const lines = run.stderr.split('\n');
  assert.match(
    lines[0],
    /^limited\.yaml:9: images past here are not pinned: The file is larger than [0-9.]+ MB \(--max-file-size-mb\); the rest was not analysed\.$/,
  );
  assert.match(lines[1], /^broken\.yaml:\d+: images past here are not pinned: YAML syntax error \(/);
  // What the syntax error left of the sidecar's image is a sequence to YAML: said too, and it cannot be pulled.
  assert.match(lines[2], /^broken\.yaml:10: not pinned: The image must be a string, but YAML reads this value as a sequence/);
  assert.equal(
    lines.slice(3).join('\n'),
    'Pinned 2 images in 2 files (1 unique reference asked); 2 parts of files not analysed; 1 image not a valid reference.\n',
  );
  assert.equal(readFileSync(join(dir, 'limited.yaml'), 'utf8'), limited.replace(app, `${app}@${values['app:1.0']}`));
  assert.equal(readFileSync(join(dir, 'broken.yaml'), 'utf8'), broken.replace(`${app}\n`, `${app}@${values['app:1.0']}\n`));
});

test('pin names every image it cannot pin and why; only images that cannot be pulled as written make it fail', async () => {
  const dir = temporaryDir();
  const meant =
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: ${IMAGE}\n  - name: c\n    image: ko://github.com/x/y/cmd/app\n';
  writeFileSync(join(dir, 'meant.yaml'), meant);
  const fine = await runCliAsync(['pin', 'meant.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(fine.status, 0, fine.stderr);
  assert.equal(
    fine.stderr,
    'meant.yaml:7: not pinned: Image "${IMAGE}" holds a template placeholder; it is checked only once rendered.\n' +
      'meant.yaml:9: not pinned: ko replaces a ko:// value with the reference of the image it builds.\n' +
      'Pinned 0 images in 0 files (0 unique references asked).\n',
  );

  writeFileSync(join(dir, 'broken.yaml'), meant.replace('${IMAGE}', 'Web:1.0'));
  const broken = await runCliAsync(['pin', 'broken.yaml'], { cwd: dir, env: isolatedEnv().env });
  assert.equal(broken.status, 1, broken.stderr);
  assert.match(broken.stderr, /^broken\.yaml:7: not pinned: Repository name must be lowercase/m);
  assert.match(broken.stderr, /; 1 image not a valid reference\.\n$/);
  assert.equal(readFileSync(join(dir, 'broken.yaml'), 'utf8'), meant.replace('${IMAGE}', 'Web:1.0'));
});
