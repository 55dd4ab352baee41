/**
 * `image-aware check --online`, run as a real process against real registries on loopback: every
 * online finding (tag-not-found, digest-not-found, stale-pin after the tag moved, pull-would-fail,
 * registry-unreachable, unauthorized, single-platform-pin, platform-missing with --platform or the
 * config file's targets, narrowed by nodeSelector) at its exact position, credentials and CA for a Basic+TLS
 * registry, and no request at all without --online.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moveTag, pushImage, pushIndex, startMisbehavingServer } from '../helpers/registry';
import { runCliAsync } from './runCli';
import { basicAuth, countingProxy, isolatedEnv, registryWith, temporaryDir } from './registrySetup';

interface JsonFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endColumn: number;
  readonly severity: string;
  readonly code: string;
  readonly message: string;
}

const NEVER_PUSHED = `sha256:${'ab'.repeat(32)}`;

function pod(images: readonly string[], extra = ''): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n${extra}  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n      imagePullPolicy: IfNotPresent\n`).join('')}`;
}

/** Line of the i-th container's image in pod(): 6 header lines (plus extra), then 3 lines per container. */
function imageLine(i: number, extraLines = 0): number {
  return 8 + extraLines + 3 * i;
}

async function checkJson(
  dir: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ status: number | null; findings: JsonFinding[]; stderr: string }> {
  const run = await runCliAsync(['check', '--format', 'json', '--severity', 'not-pinned=off', '--severity', 'redundant-pull-policy=off', ...args], {
    cwd: dir,
    env,
  });
  return { status: run.status, findings: JSON.parse(run.stdout) as JsonFinding[], stderr: run.stderr };
}

function codesAt(findings: readonly JsonFinding[]): string[] {
  return findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.code}`);
}

test('check --online reports missing tags and digests, stale pins after a tag moved, and pulls that would fail', async () => {
  const registry = await registryWith();
  const host = registry.host;
  const v1 = await pushImage(registry, 'team/app', '1.0');
  await pushImage(registry, 'team/app', '1.1');
  const multi = await pushIndex(registry, 'team/multi', 'v1', ['linux/amd64', 'linux/arm64/v8']);
  const images = [
    `${host}/team/app:1.1`, // fine
    `${host}/team/app:2.0`, // tag-not-found alone: pull-would-fail would say it again
    `${host}/team/app@${NEVER_PUSHED}`, // digest-not-found alone
    `${host}/team/app:1.0@${v1.digest}`, // stale-pin once 1.0 moves
    `${host}/team/multi:v1@${multi.images[1].digest}`, // one platform of the index: not stale, but single-platform-pin
    `${host}/team/none:1.0`, // no such repository
  ];
  const dir = temporaryDir();
  writeFileSync(join(dir, 'pod.yaml'), pod(images));
  const { env } = isolatedEnv();

  const before = await checkJson(dir, ['--online', 'pod.yaml'], env);
  assert.equal(before.status, 1, before.stderr);
  const column = 14;
  assert.deepEqual(codesAt(before.findings), [
    `${imageLine(1)}:${column + host.length + '/team/app:'.length} error tag-not-found`,
    `${imageLine(2)}:${column + host.length + '/team/app@'.length} error digest-not-found`,
    `${imageLine(4)}:${column + host.length + '/team/multi:v1@'.length} warning single-platform-pin`,
    `${imageLine(5)}:${column + host.length + '/team/none:'.length} error tag-not-found`,
  ]);
  const tagNotFound = before.findings.find((f) => f.code === 'tag-not-found')!;
  // The finding suggests the tags the repository has, newest first.
  assert.match(tagNotFound.message, /no tag "2\.0".*1\.1, 1\.0/);

  await moveTag(registry, 'team/app', '1.0');
  // A tag is asked again on every run, so the move shows at once, with the cache of the first run or without one.
  for (const cache of [[], ['--no-cache']]) {
    const after = await checkJson(dir, ['--online', ...cache, 'pod.yaml'], env);
    const stale = after.findings.filter((f) => f.code === 'stale-pin');
    assert.deepEqual(codesAt(stale), [`${imageLine(3)}:${column + host.length + '/team/app:1.0@'.length} warning stale-pin`]);
    assert.match(stale[0].message, /":1\.0" now points to sha256:/);
    assert.equal(after.findings.length, before.findings.length + 1);
  }
});

test('check --online asks each tag again within the cache lifetime, one HEAD per unique tag; the cache answers only when the registry cannot', async () => {
  const registry = await registryWith();
  const app = await pushImage(registry, 'team/app', '1.0');
  await pushImage(registry, 'team/base', '3');
  const proxy = await countingProxy(registry);
  const host = proxy.host;
  const dir = temporaryDir();
  const pinned = `${host}/team/app:1.0@${app.digest}`;
  writeFileSync(join(dir, 'pod.yaml'), pod([pinned, pinned, `${host}/team/base:3`, `${host}/team/base:3`]));
  const { env } = isolatedEnv();
  const first = await checkJson(dir, ['--online', 'pod.yaml'], env);
  assert.deepEqual(first.findings, [], first.stderr);

  const moved = await moveTag(registry, 'team/app', '1.0');
  proxy.resetRequests();
  const second = await checkJson(dir, ['--online', 'pod.yaml'], env);
  const at = `:${14 + `${host}/team/app:1.0@`.length} warning stale-pin`;
  assert.deepEqual(codesAt(second.findings), [`${imageLine(0)}${at}`, `${imageLine(1)}${at}`]);
  // The pinned tag's old body is cached, so a HEAD tells that it moved, and the new body is read by digest.
  assert.deepEqual(
    proxy.requests
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => r !== 'GET /v2/')
      .sort(),
    ['HEAD /v2/team/app/manifests/1.0', 'HEAD /v2/team/base/manifests/3', `GET /v2/team/app/manifests/${moved.digest}`].sort(),
  );

  await proxy.stop();
  const offline = await checkJson(dir, ['--online', 'pod.yaml'], env);
  assert.deepEqual(codesAt(offline.findings), codesAt(second.findings));
  assert.match(offline.findings[0].message, /cache/);
});

test('check --online names an unreachable registry and one that refuses, once per registry per file; credentials and the CA make the refusal go away, not the pull failure', async () => {
  const secured = await registryWith({ auth: 'basic', tls: true });
  await pushImage(secured, 'private/app', '1.0');
  const closed = await startMisbehavingServer();
  await closed.stop();
  const dir = temporaryDir();
  const images = [`${closed.host}/team/app:1.0`, `${closed.host}/team/app:2.0`, `${secured.host}/private/app:1.0`];
  writeFileSync(join(dir, 'pod.yaml'), pod(images));
  const ca = `--ca-file=${secured.host}=${secured.caFile!}`;

  const anonymous = await checkJson(dir, ['--online', ca, 'pod.yaml'], isolatedEnv().env);
  assert.equal(anonymous.status, 1, anonymous.stderr);
  assert.deepEqual(codesAt(anonymous.findings), [
    `${imageLine(0)}:14 information registry-unreachable`,
    `${imageLine(2)}:14 information unauthorized`,
    `${imageLine(2)}:14 warning pull-would-fail`,
  ]);
  const [unreachable, unauthorized] = anonymous.findings;
  assert.match(unreachable.message, new RegExp(`^${closed.host} refused the connection, so this and 1 other image from it in this file were not checked\\.$`));
  assert.match(unauthorized.message, /refused access \(tried anonymous\)/);

  // With the developer's credentials the image is found, but the pod spec has no imagePullSecrets and an
  // anonymous pull (what the kubelet does without them) is refused: the pull still fails.
  const { env } = isolatedEnv({ auths: { [secured.host]: { auth: basicAuth(secured.username!, secured.password!) } } });
  const withCredentials = await checkJson(dir, ['--online', ca, '--fail-on', 'error', 'pod.yaml'], env);
  assert.equal(withCredentials.status, 0, withCredentials.stderr);
  assert.deepEqual(codesAt(withCredentials.findings), [`${imageLine(0)}:14 information registry-unreachable`, `${imageLine(2)}:14 warning pull-would-fail`]);
  assert.match(
    withCredentials.findings[1].message,
    /refuses anonymous pulls of private\/app and this pod spec has no imagePullSecrets, so a node without its own credentials fails to pull/,
  );
});

test('check --online: the anonymous probe is made only for pod specs without imagePullSecrets, once per repository', async () => {
  const locked = await registryWith({ auth: 'basic' });
  await pushImage(locked, 'private/app', '1.0');
  await pushImage(locked, 'private/app', '2.0');
  await pushImage(locked, 'private/other', '1.0');
  const proxy = await countingProxy(locked);
  const dir = temporaryDir();
  const host = proxy.host;
  writeFileSync(join(dir, 'open.yaml'), pod([`${host}/private/app:1.0`, `${host}/private/app:2.0`, `${host}/private/app:1.0`]));
  writeFileSync(join(dir, 'secret.yaml'), pod([`${host}/private/other:1.0`], '  imagePullSecrets:\n    - name: regcred\n'));
  const { env } = isolatedEnv({ auths: { [host]: { auth: basicAuth(locked.username!, locked.password!) } } });
  const result = await checkJson(dir, ['--online', '--severity', 'unknown-pull-secret=off', '.'], env);
  assert.deepEqual(
    codesAt(result.findings),
    [0, 1, 2].map((i) => `${imageLine(i)}:14 warning pull-would-fail`),
  );
  assert.ok(result.findings.every((f) => f.file === 'open.yaml'));
  const heads = proxy.requests
    .filter((r) => r.method === 'HEAD')
    .map((r) => `${r.headers.authorization === undefined ? 'anonymous' : 'with credentials'} ${r.path}`);
  assert.deepEqual(heads.sort(), [
    'anonymous /v2/private/app/manifests/1.0',
    'with credentials /v2/private/app/manifests/1.0',
    'with credentials /v2/private/app/manifests/2.0',
    'with credentials /v2/private/other/manifests/1.0',
  ]);

  // The anonymous answer is cached per repository: a second run asks nothing anonymously, only each tag again.
  proxy.resetRequests();
  const again = await checkJson(dir, ['--online', '--severity', 'unknown-pull-secret=off', '.'], env);
  assert.deepEqual(again.findings, result.findings);
  const asked = proxy.requests
    .filter((r) => r.path !== '/v2/')
    .map((r) => `${r.headers.authorization === undefined ? 'anonymous' : 'with credentials'} ${r.method} ${r.path}`);
  assert.deepEqual(asked.sort(), [
    'with credentials HEAD /v2/private/app/manifests/1.0',
    'with credentials HEAD /v2/private/app/manifests/2.0',
    'with credentials HEAD /v2/private/other/manifests/1.0',
  ]);
});

test('check --online: an image from a registry that refuses is no pull failure when the pod has imagePullSecrets', async () => {
  const secured = await registryWith({ auth: 'basic' });
  await pushImage(secured, 'private/app', '1.0');
  const dir = temporaryDir();
  writeFileSync(join(dir, 'pod.yaml'), pod([`${secured.host}/private/app:1.0`], '  imagePullSecrets:\n    - name: regcred\n'));
  const result = await checkJson(dir, ['--online', '--severity', 'unknown-pull-secret=off', 'pod.yaml'], isolatedEnv().env);
  assert.deepEqual(codesAt(result.findings), [`${imageLine(0, 2)}:14 information unauthorized`]);
});

test('check without --online asks no registry; with it, one manifest request per unique reference', async () => {
  const registry = await registryWith();
  await pushImage(registry, 'team/app', '1.0');
  const proxy = await countingProxy(registry);
  const dir = temporaryDir();
  const image = `${proxy.host}/team/app:1.0`;
  writeFileSync(join(dir, 'a.yaml'), pod([image, image, `${proxy.host}/team/app:2.0`]));
  writeFileSync(join(dir, 'b.yaml'), pod([image]));
  const { env } = isolatedEnv();

  const offline = await checkJson(dir, ['.'], env);
  assert.equal(offline.status, 0);
  assert.equal(proxy.requests.length, 0);

  const online = await checkJson(dir, ['--online', '.'], env);
  assert.equal(online.status, 1);
  const manifests = proxy.requests
    .filter((r) => r.path.includes('/manifests/'))
    .map((r) => `${r.method} ${r.path}`)
    .sort();
  assert.deepEqual(manifests, ['HEAD /v2/team/app/manifests/1.0', 'HEAD /v2/team/app/manifests/2.0']);
});

test('check --online: platform-missing for the target platforms an image lacks, from --platform or .image-aware.yaml; a nodeSelector narrows them', async () => {
  const registry = await registryWith();
  const host = registry.host;
  await pushIndex(registry, 'team/multi', 'v1', ['linux/amd64', 'linux/arm64/v8']);
  await pushIndex(registry, 'team/amd', 'v1', ['linux/amd64', 'linux/s390x']);
  await pushImage(registry, 'team/single', '1.0', { platform: 'linux/arm64' });
  const images = [`${host}/team/multi:v1`, `${host}/team/amd:v1`, `${host}/team/single:1.0`];
  const dir = temporaryDir();
  writeFileSync(join(dir, 'pod.yaml'), pod(images));
  writeFileSync(join(dir, 'amd64.yaml'), pod(images, '  nodeSelector:\n    kubernetes.io/arch: amd64\n'));
  const { env } = isolatedEnv();

  const untargeted = await checkJson(dir, ['--online', 'pod.yaml'], env);
  assert.deepEqual(untargeted.findings, [], untargeted.stderr);

  const flags = await checkJson(dir, ['--online', '--platform', 'linux/amd64', '--platform', 'linux/arm64', 'pod.yaml', 'amd64.yaml'], env);
  assert.equal(flags.status, 1, flags.stderr);
  const platformFindings = flags.findings.filter((f) => f.code === 'platform-missing');
  assert.deepEqual(
    platformFindings.map((f) => `${f.file}:${f.line}`),
    [`pod.yaml:${imageLine(1)}`, `pod.yaml:${imageLine(2)}`, `amd64.yaml:${imageLine(2, 2)}`],
  );
  assert.match(platformFindings[0].message, /cannot run on linux\/arm64 \(its index has no linux\/arm64 image\).*targets from --platform/);
  assert.match(platformFindings[1].message, /cannot run on linux\/amd64 \(it is a single-platform linux\/arm64 image\).*exec format error/);

  writeFileSync(join(dir, '.image-aware.yaml'), 'platforms:\n  targets: [linux/s390x]\n');
  const file = await checkJson(dir, ['--online', 'pod.yaml'], env);
  assert.deepEqual(
    file.findings.map((f) => `${f.line} ${f.code}`),
    [`${imageLine(0)} platform-missing`, `${imageLine(2)} platform-missing`],
  );
  assert.match(file.findings[0].message, /targets from \.image-aware\.yaml/);

  const bad = await runCliAsync(['check', '--online', '--platform', 'arm64', 'pod.yaml'], { cwd: dir, env });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--platform expects os\/arch or os\/arch\/variant, like linux\/arm64 \(got "arm64"\)/);
});
