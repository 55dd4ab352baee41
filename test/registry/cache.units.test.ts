/**
 * The cache's building blocks without a registry: `RegistryCache` (memory, disk, eviction, freshness) and
 * `SingleFlight` (sharing, and cancellation only when every caller has left).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCacheDir, RegistryCache } from '../../server/src/registry/cache';
import { isTagList } from '../../server/src/registry/cacheValues';
import { SingleFlight } from '../../server/src/registry/singleFlight';
import { deferred } from '../helpers/events';

const isNumber = (value: unknown): value is number => typeof value === 'number';

test('memory entries, least recently used evicted first, freshness by age', async () => {
  let time = 1000;
  const cache = new RegistryCache({ maxMemoryEntries: 2, now: () => time });
  await cache.set('a', 1);
  await cache.set('b', 2);
  assert.equal((await cache.get('a', isNumber))?.value, 1); // a is now the most recent
  await cache.set('c', 3);
  assert.equal(await cache.get('b', isNumber), undefined);
  assert.equal((await cache.get('a', isNumber))?.value, 1);
  const entry = (await cache.get('c', isNumber))!;
  assert.equal(entry.storedAt, 1000);
  time = 1999;
  assert.equal(cache.isFresh(entry, 1000), true);
  time = 2000;
  assert.equal(cache.isFresh(entry, 1000), false);
  time = 500;
  assert.equal(cache.isFresh(entry, 1000), false, 'an entry from the future (clock changed) is not trusted');
});

test('disk entries survive a new instance, in private files; a bad directory only disables the disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-aware-cacheunit-'));
  try {
    const first = new RegistryCache({ dir });
    await first.set('tags|r/a', ['1', '2']);
    const second = new RegistryCache({ dir });
    assert.deepEqual((await second.get('tags|r/a', isTagList))?.value, ['1', '2']);
    const files = readdirSync(join(dir, 'v1'));
    assert.equal(files.length, 1);
    assert.match(files[0], /^[0-9a-f]{64}\.json$/);
    assert.equal(statSync(join(dir, 'v1', files[0])).mode & 0o077, 0, 'only the user can read the cache');
    await second.clear(true);
    assert.equal(await new RegistryCache({ dir }).get('tags|r/a', isTagList), undefined);

    // A file whose value fails the reader's guard is no entry, and is not kept in memory either.
    mkdirSync(join(dir, 'v1'), { recursive: true });
    const file = join(dir, 'v1', `${createHash('sha256').update('tags|r/b').digest('hex')}.json`);
    writeFileSync(file, JSON.stringify({ key: 'tags|r/b', storedAt: Date.now(), value: ['1', '2\n  command: [sh]'] }));
    const reader = new RegistryCache({ dir });
    assert.equal(await reader.get('tags|r/b', isTagList), undefined);
    writeFileSync(file, JSON.stringify({ key: 'tags|r/b', storedAt: Date.now(), value: ['1', '2'] }));
    assert.deepEqual((await reader.get('tags|r/b', isTagList))?.value, ['1', '2']);

    const unusable = new RegistryCache({ dir: join(dir, 'v1', 'missing', '\0bad') });
    await unusable.set('k', 1);
    assert.equal((await unusable.get('k', isNumber))?.value, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u'), '/x/image-aware');
  assert.equal(defaultCacheDir({}, '/home/u'), '/home/u/.cache/image-aware');
});

test('single-flight: identical keys share one run, different keys do not', async () => {
  const flights = new SingleFlight();
  let runs = 0;
  // Every run stays in flight until the gate opens.
  const gate = deferred();
  const work = async () => {
    runs++;
    await gate.promise;
    return runs;
  };
  const abortError = () => new Error('aborted');
  const running = Promise.all(['k', 'k', 'other'].map((key) => flights.run(key, work, undefined, abortError)));
  assert.equal(runs, 2);
  assert.equal(flights.size, 2);
  gate.resolve();
  const results = await running;
  assert.equal(results[0], results[1]);
  assert.equal(flights.size, 0);
  await flights.run('k', work, undefined, abortError);
  assert.equal(runs, 3, 'a finished flight is not reused');
  const failing = flights.run('bad', async () => Promise.reject(new Error('boom')), undefined, abortError);
  await assert.rejects(failing, /boom/);
});

test('single-flight: the shared work is cancelled only when every caller has left', async () => {
  const flights = new SingleFlight();
  const abortError = () => new Error('aborted');
  let seen: AbortSignal | undefined;
  // The work finishes when the test opens the gate, unless it is aborted first.
  const gate = deferred();
  const work = (signal: AbortSignal) => {
    seen = signal;
    return new Promise<string>((resolve, reject) => {
      void gate.promise.then(() => resolve('done'));
      signal.addEventListener('abort', () => reject(new Error('work aborted')));
    });
  };
  const one = new AbortController();
  const two = new AbortController();
  const first = flights.run('k', work, one.signal, abortError);
  const second = flights.run('k', work, two.signal, abortError);
  one.abort();
  await assert.rejects(first, /^Error: aborted$/);
  assert.equal(seen?.aborted, false);
  two.abort();
  await assert.rejects(second, /^Error: aborted$/);
  assert.equal(seen?.aborted, true);
  assert.equal(flights.size, 0);
  // A new caller starts fresh work rather than joining the cancelled one.
  const cancelled = seen;
  const fresh = flights.run('k', work, undefined, abortError);
  assert.notEqual(seen, cancelled);
  gate.resolve();
  assert.equal(await fresh, 'done');
});
