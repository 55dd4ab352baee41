/**
 * `image-aware push`, run as a real process with the real buildah (vfs storage, chroot isolation,
 * private storage and auth file: test/helpers/buildTools.ts) and a real registry on loopback. The
 * image is built into buildah's private storage first; the CLI pushes it, and the digest it writes
 * must be the one the registry serves (its Docker-Content-Digest and the sha256 of the bytes).
 * Only fields naming the pushed repository and tag change: without a digest as `pin` writes them,
 * with another digest (an earlier push) re-pinned; a rebuilt image pushed again moves every pin.
 * A tag that names something already is pushed over only with --overwrite, which says what it named.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBuildTool } from '../../server/src/tools';
import { findExecutable } from '../../server/src/tools/detect';
import { containersSandbox, servedDigest, tempFolder } from '../helpers/buildTools';
import type { ContainersSandbox } from '../helpers/buildTools';
import { pushIndex, respond, startMisbehavingServer } from '../helpers/registry';
import type { RunningRegistry } from '../helpers/registry';
import { runCliAsync } from './runCli';
import type { CliRun } from './runCli';
import { readTree, registryWith, temporaryDir } from './registrySetup';

let registry: RunningRegistry;
let sandbox: ContainersSandbox;
let image: string;

/** Builds `tag` (`image` by default) into buildah's private storage, with `hello` as the content of its one file. */
async function build(hello: string, tag = image): Promise<void> {
  const executable = findExecutable('buildah', sandbox.env);
  assert.ok(executable, `buildah is not on PATH (${sandbox.env.PATH}); scripts/setup.sh installs it`);
  const context = tempFolder('push-context');
  writeFileSync(join(context, 'hello.txt'), hello);
  writeFileSync(join(context, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  const request = { dockerfile: join(context, 'Dockerfile'), context, tag, buildArgs: {}, target: null, platform: null };
  await createBuildTool('buildah', executable, sandbox.env).build(request, { output: () => undefined });
}

before(async () => {
  sandbox = containersSandbox();
  registry = await registryWith();
  image = `${registry.host}/team/app:1.0`;
  await build('hello from image-aware push\n');
});

after(() => sandbox?.cleanup());

const OLD_DIGEST = `sha256:${'0'.repeat(64)}`;

function deployment(host: string, appImage: string, pinnedImage = `${host}/team/app:1.0@${OLD_DIGEST}`): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app # the one we push
spec:
  template:
    spec:
      containers:
        - name: app
          image: ${appImage}
        - name: next
          image: ${host}/team/app:2.0
        - name: other
          image: "${host}/team/other:1.0"
        - name: pinned
          image: ${pinnedImage}
        - name: digest-only
          image: ${host}/team/app@${OLD_DIGEST}
`;
}

function kustomization(host: string, digestLine: string): string {
  return `images:\n  - name: ${host}/team/app\n    newTag: "1.0"\n${digestLine}`;
}

function workspace(): string {
  const dir = temporaryDir('image-aware-cli-push-');
  writeFileSync(join(dir, 'deployment.yaml'), deployment(registry.host, image));
  writeFileSync(join(dir, 'kustomization.yaml'), kustomization(registry.host, ''));
  return dir;
}

/** The workspace with every field that names the pushed tag pinned to `digest`. */
function pinnedTree(digest: string): Record<string, string> {
  return {
    'deployment.yaml': deployment(registry.host, `${image}@${digest}`, `${image}@${digest}`),
    'kustomization.yaml': kustomization(registry.host, `    digest: ${digest}\n`),
  };
}

function pushCli(args: readonly string[], cwd: string): Promise<CliRun> {
  return runCliAsync(['push', '--tool', 'buildah', ...args], { cwd, env: { ...sandbox.env, XDG_CACHE_HOME: join(sandbox.dir, 'cache') }, timeoutMs: 60_000 });
}

test('push pins the digest the registry serves in the fields naming the pushed tag; --dry-run prints the diff and writes nothing', async () => {
  const dir = workspace();
  const untouched = readTree(dir);

  const dry = await pushCli(['--dry-run', image], dir);
  assert.equal(dry.status, 0, dry.stderr);
  const served = await servedDigest(registry, 'team/app', '1.0');
  assert.match(served.header, /^sha256:[0-9a-f]{64}$/);
  assert.equal(served.header, served.body);
  const digest = served.header;
  assert.match(dry.stderr, /^Pushing \S+\/team\/app:1\.0 with \S*buildah\n/);
  assert.match(dry.stderr, /^Writing manifest to image destination$/m, "buildah's own output is streamed to stderr");
  assert.match(dry.stderr, new RegExp(`^${registry.host} serves ${digest} for ${image}\\.$`, 'm'));
  assert.match(dry.stderr, new RegExp(`Would pin 3 images in 2 files to ${digest} \\(1 re-pinned from another digest\\)\\.\\n$`));
  assert.equal(
    dry.stdout,
    [
      '--- deployment.yaml',
      '+++ deployment.yaml',
      '@@ -7,12 +7,12 @@',
      '     spec:',
      '       containers:',
      '         - name: app',
      `-          image: ${image}`,
      `+          image: ${image}@${digest}`,
      '         - name: next',
      `           image: ${registry.host}/team/app:2.0`,
      '         - name: other',
      `           image: "${registry.host}/team/other:1.0"`,
      '         - name: pinned',
      `-          image: ${image}@${OLD_DIGEST}`,
      `+          image: ${image}@${digest}`,
      '         - name: digest-only',
      `           image: ${registry.host}/team/app@${OLD_DIGEST}`,
      '--- kustomization.yaml',
      '+++ kustomization.yaml',
      '@@ -1,3 +1,4 @@',
      ' images:',
      `   - name: ${registry.host}/team/app`,
      '     newTag: "1.0"',
      `+    digest: ${digest}`,
      '',
    ].join('\n'),
  );
  assert.deepEqual(readTree(dir), untouched);

  const run = await pushCli(['--overwrite', image, 'deployment.yaml', 'kustomization.yaml'], dir);
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stderr,
    new RegExp(
      `^Overwriting: ${image} names ${digest}, an image \\(linux/amd64\\) created \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC; the push replaces it\\.$`,
      'm',
    ),
  );
  assert.equal(run.stdout, 'deployment.yaml\nkustomization.yaml\n');
  assert.match(run.stderr, new RegExp(`Pinned 3 images in 2 files to ${digest} \\(1 re-pinned from another digest\\)\\.\\n$`));
  assert.equal((await servedDigest(registry, 'team/app', '1.0')).header, digest, 'the same image pushed again has the same digest');
  assert.deepEqual(readTree(dir), pinnedTree(digest));

  // Every field naming the tag is at the digest the registry serves: nothing to do.
  const again = await pushCli(['--overwrite', image], dir);
  assert.equal(again.status, 1, again.stderr);
  assert.equal(again.stdout, '');
  assert.match(
    again.stderr,
    new RegExp(`No image field in 2 files names ${registry.host}/team/app:1\\.0 without a digest or with another digest; nothing was pinned\\.\\n$`),
  );
});

test('a rebuilt image pushed again re-pins the fields pinned to the earlier push, keeping their tag; the same digest again is nothing to do', async () => {
  const dir = workspace();
  const first = await pushCli(['--overwrite', image], dir);
  assert.equal(first.status, 0, first.stderr);
  const before = (await servedDigest(registry, 'team/app', '1.0')).header;

  await build(`rebuilt at ${Date.now()}\n`);
  const rebuilt = await pushCli(['--overwrite', image], dir);
  assert.equal(rebuilt.status, 0, rebuilt.stderr);
  const after = (await servedDigest(registry, 'team/app', '1.0')).header;
  assert.notEqual(after, before, 'the rebuilt image has another digest');
  assert.equal(rebuilt.stdout, 'deployment.yaml\nkustomization.yaml\n');
  assert.match(rebuilt.stderr, new RegExp(`Pinned 3 images in 2 files to ${after} \\(3 re-pinned from another digest\\)\\.\\n$`));
  assert.deepEqual(readTree(dir), pinnedTree(after));

  const same = await pushCli(['--overwrite', image], dir);
  assert.equal(same.status, 1, same.stderr);
  assert.equal(same.stdout, '');
  assert.deepEqual(readTree(dir), pinnedTree(after));
});

test("a push that fails is exit 2 with the tool's own words, and no file changes", async () => {
  const dir = workspace();
  const before = readTree(dir);
  const missing = await pushCli([`${registry.host}/team/app:never-built`], dir);
  assert.equal(missing.status, 2);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /^image-aware: buildah failed: Error: .*never-built/m);
  assert.deepEqual(readTree(dir), before);

  const byDigest = await pushCli([`${image}@${OLD_DIGEST}`], dir);
  assert.equal(byDigest.status, 2);
  assert.equal(byDigest.stderr, `image-aware: push takes an image by tag, not by digest (got "${image}@${OLD_DIGEST}").\n`);

  const noPath = await pushCli([image, 'nope.yaml'], dir);
  assert.equal(noPath.status, 2);
  assert.match(noPath.stderr, /^image-aware: cannot read nope\.yaml: ENOENT/);

  const badTool = await runCliAsync(['push', '--tool', 'kaniko', image], { cwd: dir });
  assert.equal(badTool.status, 2);
  assert.equal(badTool.stderr, 'image-aware: --tool must be one of auto, docker, podman, buildah, nerdctl (got "kaniko").\n');

  const badLimit = await runCliAsync(['push', '--max-file-size-mb', 'all', image], { cwd: dir });
  assert.equal(badLimit.status, 2);
  assert.equal(badLimit.stderr, 'image-aware: --max-file-size-mb must be a positive number (got "all").\n');
  assert.deepEqual(readTree(dir), before);
});

test('a two-platform index at the tag: refused without --overwrite (exit 2, naming digest, platforms and date); --overwrite pushes and says what it replaced', async () => {
  const tag = `${registry.host}/team/app:2.4.1`;
  const index = await pushIndex(registry, 'team/app', '2.4.1', ['linux/amd64', 'linux/arm64'], { attestations: true, created: '2024-05-01T12:00:00Z' });
  await build('a single-platform build of 2.4.1\n', tag);
  const dir = temporaryDir('image-aware-cli-push-');
  const manifest = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: ${tag}\n`;
  writeFileSync(join(dir, 'pod.yaml'), manifest);

  const refused = await pushCli([tag], dir);
  assert.equal(refused.status, 2, refused.stderr);
  assert.equal(refused.stdout, '');
  assert.equal(
    refused.stderr,
    `image-aware: ${tag} names ${index.digest}, a 2-platform index (linux/amd64, linux/arm64) created 2024-05-01 12:00 UTC; ` +
      'the push replaces it with a single-platform image. Nothing was pushed: run again with --overwrite to push over it.\n',
  );
  assert.equal((await servedDigest(registry, 'team/app', '2.4.1')).header, index.digest, 'the registry still serves the index');
  assert.deepEqual(readTree(dir), { 'pod.yaml': manifest });

  const overwritten = await pushCli(['--overwrite', tag], dir);
  assert.equal(overwritten.status, 0, overwritten.stderr);
  const served = (await servedDigest(registry, 'team/app', '2.4.1')).header;
  assert.notEqual(served, index.digest);
  assert.match(
    overwritten.stderr,
    new RegExp(
      `^Overwriting: ${escape(tag)} names ${index.digest}, a 2-platform index \\(linux/amd64, linux/arm64\\) created 2024-05-01 12:00 UTC; ` +
        'the push replaces it with a single-platform image\\.\n',
      'm',
    ),
  );
  assert.match(overwritten.stderr, new RegExp(`^${escape(registry.host)} serves ${served} for ${escape(tag)} \\(it named ${index.digest} before\\)\\.$`, 'm'));
  assert.deepEqual(readTree(dir), { 'pod.yaml': manifest.replace(tag, `${tag}@${served}`) });
});

test('a new tag is pushed without --overwrite and without a word about overwriting', async () => {
  const tag = `${registry.host}/team/app:3.0.0`;
  await build('a new version\n', tag);
  const dir = temporaryDir('image-aware-cli-push-');
  writeFileSync(join(dir, 'pod.yaml'), `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: ${tag}\n`);
  const run = await pushCli([tag], dir);
  assert.equal(run.status, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /overwrit|named .* before/i);
  assert.match(run.stderr, new RegExp(`^${escape(registry.host)} serves sha256:[0-9a-f]{64} for ${escape(tag)}\\.$`, 'm'));
});

test('a registry that cannot say what the tag names: refused without --overwrite, with the reason', async () => {
  const down = await startMisbehavingServer(respond(503, 'maintenance\n'));
  try {
    const tag = `${down.host}/team/app:1.0`;
    const run = await pushCli([tag], temporaryDir('image-aware-cli-push-'));
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `^image-aware: could not find out whether ${escape(tag)} already names an image: ${escape(down.host)} failed \\(server error 503\\)\\. Nothing was pushed: run again with --overwrite to push over it\\.\n$`,
      ),
    );
    assert.ok(!down.requests.some((request) => request.method !== 'GET' && request.method !== 'HEAD'), 'nothing was pushed');
  } finally {
    await down.stop();
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
