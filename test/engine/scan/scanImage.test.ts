/**
 * scanImage and scanImages over the real scanner adapter and the real scan cache on disk: stand-in
 * executables (test/helpers/standInScanners.ts) print trivy's and grype's real reports and record
 * every run, so a test counts the scans. A result is kept by scanner and digest, used while younger
 * than a day by the injected clock, and ignored when its file on disk is hostile (too large, another
 * shape); the cache folder holds at most its bound of entries, written atomically.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCAN_MAX_AGE_MS, scanImage, scanImages } from '../../../server/src/engine/scan/scanImage';
import { createScanner, scanCache } from '../../../server/src/scanners';
import type { ScanCache, Scanner } from '../../../server/src/scanners';
import { ManualClock } from '../../helpers/clock';
import { SCANNER_FIXTURES, standInScanner } from '../../helpers/standInScanners';
import type { StandInScanner } from '../../helpers/standInScanners';
import { writeScript } from '../../helpers/standInPrograms';

const root = mkdtempSync(join(tmpdir(), 'image-aware-scan-engine-'));
after(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
function folder(): string {
  const dir = join(root, String(folders++));
  mkdirSync(dir);
  return dir;
}

const digest = (c: string): string => `sha256:${c.repeat(64)}`;
const target = (c: string) => ({ digest: digest(c), image: `127.0.0.1:5000/team/app@${digest(c)}` });

function trivy(report = 'trivy-alpine-39.json'): { stand: StandInScanner; scanner: Scanner } {
  const dir = folder();
  const stand = standInScanner(dir, 'trivy', { report });
  return { stand, scanner: createScanner('trivy', stand.path, { PATH: dir }) };
}

/** The file the scan cache keeps an entry in: the sha256 of its key, as fs/entryFiles.ts names it. */
function entryFile(cacheDir: string, key: string): string {
  return join(cacheDir, 'scans', 'v1', `${createHash('sha256').update(key).digest('hex')}.json`);
}

test('one scan per digest: a second ask within a day reads the cache, even in a new process; a day later, or fresh, scans again', async () => {
  const { stand, scanner } = trivy();
  const cacheDir = folder();
  const clock = new ManualClock();
  clock.advance(Date.parse('2026-12-07T08:00:00Z'));
  const first = await scanImage(target('a'), scanner, { cache: scanCache(cacheDir), clock });
  assert.equal(first.cached, false);
  assert.equal(first.fact.scannedAt, '2026-12-07T08:00:00.000Z');
  assert.deepEqual(first.fact.counts, { critical: 2, high: 0, medium: 4, low: 0, negligible: 0, unknown: 0 });
  assert.equal(stand.calls().length, 1);

  clock.advance(SCAN_MAX_AGE_MS - 1);
  const again = await scanImage(target('a'), scanner, { cache: scanCache(cacheDir), clock });
  assert.deepEqual(again, { fact: first.fact, cached: true });
  assert.equal(stand.calls().length, 1);

  assert.equal((await scanImage(target('a'), scanner, { cache: scanCache(cacheDir), clock, fresh: true })).cached, false);
  assert.equal(stand.calls().length, 2);
  clock.advance(SCAN_MAX_AGE_MS);
  const later = await scanImage(target('a'), scanner, { cache: scanCache(cacheDir), clock });
  assert.equal(later.cached, false);
  assert.equal(later.fact.scannedAt, new Date(clock.now()).toISOString());
  assert.equal(stand.calls().length, 3);

  // Another scanner's result for the same digest is its own.
  const grypeDir = folder();
  const grype = standInScanner(grypeDir, 'grype', { report: 'grype-chainguard-ruby.json' });
  const other = await scanImage(target('a'), createScanner('grype', grype.path, { PATH: grypeDir }), { cache: scanCache(cacheDir), clock });
  assert.equal(other.cached, false);
  assert.equal(other.fact.scanner, 'grype');
});

test('scanImages: each target once, failures per image, the others scanned; nothing is cached for a failed scan', async () => {
  const dir = folder();
  // Fails for the image of digest b, prints trivy's report for the others.
  const script = writeScript(
    dir,
    'trivy',
    `PATH=/usr/bin:/bin\ncase "$7" in *bbbb*) echo 'FATAL image scan error: unable to find the specified image' >&2; exit 1;; esac\ncat '${join(SCANNER_FIXTURES, 'trivy-alpine-39.json')}'`,
  );
  const scanner = createScanner('trivy', script, { PATH: dir });
  const cacheDir = folder();
  const clock = new ManualClock();
  const result = await scanImages([target('a'), target('b'), target('c')], scanner, { cache: scanCache(cacheDir), clock });
  assert.deepEqual([...result.scans.keys()].sort(), [digest('a'), digest('c')]);
  assert.deepEqual(result.failures, [
    { image: target('b').image, reason: `trivy could not scan ${target('b').image}: it said: FATAL image scan error: unable to find the specified image` },
  ]);
  assert.equal(result.cached, 0);
  const again = await scanImages([target('a'), target('b'), target('c')], scanner, { cache: scanCache(cacheDir), clock });
  assert.equal(again.cached, 2);
  assert.equal(again.failures.length, 1);
});

test('a hostile cache file is ignored and the image scanned again: too large, another key, another shape', async () => {
  const { stand, scanner } = trivy();
  const cacheDir = folder();
  const clock = new ManualClock();
  const { fact } = await scanImage(target('d'), scanner, { cache: scanCache(cacheDir), clock });
  const file = entryFile(cacheDir, `trivy ${digest('d')}`);
  const hostile = [
    // Well formed, but far larger than any result: it is not read at all.
    JSON.stringify({ key: `trivy ${digest('d')}`, storedAt: 0, value: { ...fact, padding: 'x'.repeat(2 * 1024 * 1024) } }),
    JSON.stringify({ key: `trivy ${digest('e')}`, storedAt: 0, value: fact }),
    JSON.stringify({ key: `trivy ${digest('d')}`, storedAt: 0, value: { ...fact, counts: { ...fact.counts, critical: -1 } } }),
    'not json',
  ];
  for (const [i, bytes] of hostile.entries()) {
    writeFileSync(file, bytes);
    const outcome = await scanImage(target('d'), scanner, { cache: scanCache(cacheDir), clock });
    assert.equal(outcome.cached, false, `hostile file ${i + 1}`);
    assert.equal(stand.calls().length, i + 2);
  }
});

test('the scan cache keeps at most its bound of entries, the newest, and leaves no staging files', async () => {
  const cacheDir = folder();
  let time = 0;
  const cache: ScanCache = scanCache(cacheDir, () => ++time, 3);
  const value = { n: 0 };
  for (let i = 0; i < 5; i++) await cache.write(`key ${i}`, { ...value, n: i });
  const names = readdirSync(join(cacheDir, 'scans', 'v1'));
  assert.equal(names.length, 3, names.join(' '));
  assert.ok(names.every((name) => /^[0-9a-f]{64}\.json$/.test(name)));
  const isValue = (v: unknown): v is { n: number } => typeof v === 'object' && v !== null && typeof (v as { n?: unknown }).n === 'number';
  assert.deepEqual(await cache.read('key 4', isValue), { n: 4 });
  assert.equal(await cache.read('key 0', isValue), undefined);
});
