/**
 * `image-aware tags`, run as a real process against real registries on loopback: the order of 282
 * tags (more than the registry sends in one page), JSON output, Basic auth over TLS with the CA
 * given by --ca-file and credentials from a DOCKER_CONFIG written here, the cache, and the reasons
 * printed when the registry refuses or cannot be reached.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pushImage, pushTags, startMisbehavingServer } from '../helpers/registry';
import { runCliAsync } from './runCli';
import { basicAuth, isolatedEnv, registryWith, temporaryDir } from './registrySetup';

/** The tags, and the order they must come out in: written out here, not computed by the code under test. */
function tagSet(): { tags: string[]; expected: string[] } {
  const versions: string[] = [];
  for (let major = 2; major >= 0; major--) {
    for (let minor = 9; minor >= 0; minor--) for (let patch = 8; patch >= 0; patch--) versions.push(`${major}.${minor}.${patch}`);
  }
  // Newest first: v3.0.0, then 2.10.0's prereleases (below 2.10.0 itself, which does not exist, and above 2.9.8),
  // compared identifier by identifier: rc > beta > alpha by ASCII, 10 > 9 numerically.
  const newest = ['v3.0.0', '2.10.0-rc.2', '2.10.0-rc.1', '2.10.0-beta.10', '2.10.0-beta.9', '2.10.0-alpha'];
  // Then the other tags that start with a digit, in descending natural order; then the other words,
  // ascending; then the moving ones (core/tags.ts).
  const others = ['2024-05-01', '1.2', 'alpine', 'bookworm'];
  const moving = ['latest', 'edge'];
  const expected = [...newest, ...versions, ...others, ...moving];
  // Pushed in a scrambled order, so the registry's own (lexical) order is not the answer either.
  const tags = expected
    .map((tag, i) => ({ tag, key: (i * 7919) % expected.length }))
    .sort((a, b) => a.key - b.key)
    .map((t) => t.tag);
  return { tags, expected };
}

test('tags lists 282 tags newest version first, one per line, and as JSON', async () => {
  const registry = await registryWith();
  const { tags, expected } = tagSet();
  assert.equal(expected.length, 282);
  await pushTags(registry, 'team/app', tags);
  const { env } = isolatedEnv();

  const text = await runCliAsync(['tags', `${registry.host}/team/app`], { env });
  assert.equal(text.stderr, '');
  assert.equal(text.status, 0);
  assert.equal(text.stdout, expected.map((t) => `${t}\n`).join(''));

  const json = await runCliAsync(['tags', '--format', 'json', `${registry.host}/team/app`], { env });
  assert.equal(json.status, 0);
  assert.deepEqual(JSON.parse(json.stdout), { repository: `${registry.host}/team/app`, tags: expected, stale: false });
});

test('tags with Basic auth over TLS: --ca-file and DOCKER_CONFIG credentials work; none or wrong ones exit 2 naming what was tried', async () => {
  const registry = await registryWith({ auth: 'basic', tls: true });
  await pushImage(registry, 'private/app', '1.0.0');
  await pushImage(registry, 'private/app', '1.1.0');
  const ca = `--ca-file=${registry.host}=${registry.caFile!}`;
  const repo = `${registry.host}/private/app`;

  const good = isolatedEnv({ auths: { [registry.host]: { auth: basicAuth(registry.username!, registry.password!) } } });
  const listed = await runCliAsync(['tags', ca, repo], { env: good.env });
  assert.equal(listed.stderr, '');
  assert.deepEqual([listed.status, listed.stdout], [0, '1.1.0\n1.0.0\n']);

  const anonymous = await runCliAsync(['tags', ca, repo], { env: isolatedEnv().env });
  assert.equal(anonymous.status, 2);
  assert.equal(anonymous.stdout, '');
  assert.match(anonymous.stderr, /^image-aware: .*401 UNAUTHORIZED.*tried anonymous/);

  const wrong = isolatedEnv({ auths: { [registry.host]: { auth: basicAuth(registry.username!, 'not-the-password') } } });
  const refused = await runCliAsync(['tags', ca, repo], { env: wrong.env });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /401 UNAUTHORIZED/);
  assert.ok(refused.stderr.includes(`docker config auths for ${registry.host} in ${wrong.dockerConfigDir}`), refused.stderr);
  assert.ok(!refused.stderr.includes('not-the-password') && !refused.stderr.includes(basicAuth(registry.username!, 'not-the-password')), 'the secret leaks');

  // The first run cached the tags in good's cache; without the cache the CA is needed again.
  const untrusted = await runCliAsync(['tags', '--no-cache', repo], { env: good.env });
  assert.equal(untrusted.status, 2);
  assert.match(untrusted.stderr, /^image-aware: .*(certificate|TLS)/i);
});

test('tags of an unknown repository, an unreachable registry and a bad argument exit 2 with the reason', async () => {
  const registry = await registryWith();
  const { env } = isolatedEnv();
  const unknown = await runCliAsync(['tags', `${registry.host}/team/none`], { env });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^image-aware: .*404 NAME_UNKNOWN.*team\/none/);

  // A port that was just listened on and is closed now refuses connections.
  const closed = await startMisbehavingServer();
  await closed.stop();
  const unreachable = await runCliAsync(['tags', `${closed.host}/team/app`], { env });
  assert.equal(unreachable.status, 2);
  assert.equal(unreachable.stderr, `image-aware: ${closed.host} is unreachable: ECONNREFUSED\n`);

  for (const [args, message] of [
    [['tags', `${registry.host}/team/app:1.0`], /takes a repository without a tag or digest .*try "127\.0\.0\.1:\d+\/team\/app"/],
    [['tags'], /needs exactly one repository/],
    [['tags', 'Team/App'], /not a valid image reference/],
    [['tags', '--format', 'yaml', 'nginx'], /--format must be one of text, json/],
    [['tags', '--ca-file', 'no-equals-sign', 'nginx'], /--ca-file expects HOST=PATH/],
    [['tags', '--no-cache', '--cache-dir', '/tmp/x', 'nginx'], /exclude each other/],
  ] as const) {
    const run = await runCliAsync(args, { env });
    assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('tags caches in $XDG_CACHE_HOME/image-aware by default, in --cache-dir when given, and nowhere with --no-cache', async () => {
  const registry = await registryWith();
  await pushTags(registry, 'team/cached', ['1.0.0', '2.0.0']);
  const isolated = isolatedEnv();
  const elsewhere = temporaryDir();
  const repo = `${registry.host}/team/cached`;
  assert.equal((await runCliAsync(['tags', repo], { env: isolated.env })).status, 0);
  assert.equal((await runCliAsync(['tags', '--cache-dir', elsewhere, repo], { env: isolated.env })).status, 0);
  await registry.stop();

  // Within the tag lists' lifetime the cached answer is used without asking the (now stopped) registry.
  for (const args of [
    ['tags', repo],
    ['tags', '--cache-dir', elsewhere, repo],
  ]) {
    const cached = await runCliAsync(args, { env: isolated.env });
    assert.deepEqual([cached.status, cached.stdout, cached.stderr], [0, '2.0.0\n1.0.0\n', ''], args.join(' '));
  }
  const uncached = await runCliAsync(['tags', '--no-cache', repo], { env: isolated.env });
  assert.equal(uncached.status, 2);
  assert.match(uncached.stderr, /unreachable: ECONNREFUSED/);
});
