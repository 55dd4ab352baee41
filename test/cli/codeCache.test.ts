/**
 * dist/cli.js runs the CLI bundle through a V8 code cache (cli/codeCache.ts): written once, atomically,
 * named for the build, checked before use, bounded in size, and never in the way of a run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './runCli';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const ARGS = ['check', '--format', 'json', 'test/fixtures/cli/manifests'];
const CACHE_NAME = /^cliMain-[0-9a-f]{32}\.v8$/;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(env: Record<string, string>): Run {
  const result = spawnSync(process.execPath, [CLI, ...ARGS], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function withCacheHome(body: (home: string, folder: string) => void): () => void {
  return () => {
    const home = mkdtempSync(join(tmpdir(), 'code-cache-'));
    try {
      body(home, join(home, 'image-aware', 'v8'));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  };
}

/** The one cache file in `folder`, checked to hold a SHA-256 of the rest before it. */
function onlyCache(folder: string): { name: string; bytes: Buffer; mtimeMs: number } {
  const names = readdirSync(folder);
  assert.equal(names.length, 1, `one file in ${folder}: ${names.join(', ')}`);
  assert.match(names[0], CACHE_NAME);
  const path = join(folder, names[0]);
  const bytes = readFileSync(path);
  assert.ok(createHash('sha256').update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32)), 'the header is the payload digest');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  return { name: names[0], bytes, mtimeMs: statSync(path).mtimeMs };
}

const WITHOUT = run({ IMAGE_AWARE_CODE_CACHE: 'off' });

test('the output is the same without a cache', () => {
  assert.equal(WITHOUT.status, 1);
  assert.ok(JSON.parse(WITHOUT.stdout).length > 0);
});

test(
  'the first run writes the cache, the next uses it and leaves it as it is',
  withCacheHome((home, folder) => {
    assert.deepEqual(run({ XDG_CACHE_HOME: home }), WITHOUT);
    const first = onlyCache(folder);
    assert.deepEqual(run({ XDG_CACHE_HOME: home }), WITHOUT);
    const second = onlyCache(folder);
    assert.equal(second.mtimeMs, first.mtimeMs);
    assert.ok(second.bytes.equals(first.bytes));
  }),
);

test(
  'a damaged cache is not used and is written again',
  withCacheHome((home, folder) => {
    run({ XDG_CACHE_HOME: home });
    const { name, bytes } = onlyCache(folder);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 100] ^= 0xff;
    writeFileSync(join(folder, name), damaged);
    assert.deepEqual(run({ XDG_CACHE_HOME: home }), WITHOUT);
    assert.ok(!onlyCache(folder).bytes.equals(damaged));
  }),
);

test(
  'a cache file past the size bound is not read, and only the four newest caches are kept',
  withCacheHome((home, folder) => {
    run({ XDG_CACHE_HOME: home });
    const { name } = onlyCache(folder);
    truncateSync(join(folder, name), 33 * 1024 * 1024);
    const others = [1, 2, 3, 4].map((i) => `cliMain-${String(i).repeat(32)}.v8`);
    others.forEach((other, i) => {
      writeFileSync(join(folder, other), 'another build');
      utimesSync(join(folder, other), 1000 + i, 1000 + i);
    });
    writeFileSync(join(folder, 'notes.txt'), 'not a cache');
    assert.deepEqual(run({ XDG_CACHE_HOME: home }), WITHOUT);
    assert.deepEqual(readdirSync(folder).sort(), [...others.slice(1), name, 'notes.txt'].sort());
    for (const other of others.slice(1)) rmSync(join(folder, other));
    rmSync(join(folder, 'notes.txt'));
    assert.ok(onlyCache(folder).bytes.length < 32 * 1024 * 1024);
  }),
);

test(
  'a cache folder that cannot be made changes nothing but the time',
  withCacheHome((home) => {
    mkdirSync(join(home, 'image-aware'));
    writeFileSync(join(home, 'image-aware', 'v8'), 'a file where the folder would be');
    assert.deepEqual(run({ XDG_CACHE_HOME: home }), WITHOUT);
    assert.deepEqual(readdirSync(join(home, 'image-aware')), ['v8']);
  }),
);

test(
  'a cache others could have written is not used, and none is written in a folder others can write',
  withCacheHome((home, folder) => {
    run({ XDG_CACHE_HOME: home });
    const { name } = onlyCache(folder);
    const planted = Buffer.from(readFileSync(join(folder, name)));
    chmodSync(join(folder, name), 0o666);
    assert.deepEqual(run({ XDG_CACHE_HOME: home }), WITHOUT);
    assert.equal(statSync(join(folder, name)).mode & 0o777, 0o600, 'written again, privately');
    rmSync(join(folder, name));
    chmodSync(folder, 0o777);
    assert.deepEqual(run({ XDG_CACHE_HOME: home }), WITHOUT);
    assert.deepEqual(readdirSync(folder), []);
    writeFileSync(join(folder, name), planted, { mode: 0o600 });
    assert.deepEqual(run({ XDG_CACHE_HOME: home }), WITHOUT);
    assert.ok(readFileSync(join(folder, name)).equals(planted), 'not rewritten either');
  }),
);
