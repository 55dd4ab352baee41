/**
 * ScanService.recall: reading the scan results of earlier sessions from the cache on disk, each
 * digest once, with what it remembers of the digests already looked up bounded, so a long session
 * over many images holds no more than MAX_RECALLED of them (the oldest are looked up again).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, DEFAULT_SETTINGS, NO_FACTS } from '../../server/src/core';
import { MAX_RECALLED, ScanService } from '../../server/src/lsp/scans';
import { createScanner, scanCache } from '../../server/src/scanners';
import { standInScanner } from '../helpers/standInScanners';

const root = mkdtempSync(join(tmpdir(), 'image-aware-scan-service-'));
after(() => rmSync(root, { recursive: true, force: true }));

const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

/** A pod running the images of digests [from, from + count). */
function podOf(from: number, count: number) {
  const containers = Array.from({ length: count }, (_, i) => `    - name: c${i}\n      image: registry.example/app@${digest(from + i)}\n`).join('');
  return analyze(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${containers}`, { maxFileSize: 1 << 20 });
}

test('recall reads each digest once, and forgets the oldest past MAX_RECALLED, so a result written later is found then', async () => {
  const scanners = join(root, 'scanners');
  const cacheDir = join(root, 'cache');
  mkdirSync(scanners);
  const trivy = standInScanner(scanners, 'trivy', { report: 'trivy-alpine-39.json' });
  const service = new ScanService({ cacheDir, env: { PATH: scanners } });
  const settings = DEFAULT_SETTINGS.scan;
  assert.equal(await service.recall(podOf(0, 1), NO_FACTS, settings), false, 'nothing cached yet');

  // Another process (the CLI) scans digest 0 meanwhile: this session has looked it up already.
  const report = await createScanner('trivy', trivy.path, { PATH: scanners }).scan(`registry.example/app@${digest(0)}`);
  await scanCache(cacheDir).write(`trivy ${digest(0)}`, { ...report, scannedAt: '2026-12-07T08:00:00.000Z' });
  assert.equal(await service.recall(podOf(0, 1), NO_FACTS, settings), false, 'each digest is looked up once');

  // Looking up MAX_RECALLED other digests pushes digest 0 out of what is remembered.
  for (let from = 1; from <= MAX_RECALLED; from += 64) await service.recall(podOf(from, Math.min(64, MAX_RECALLED + 1 - from)), NO_FACTS, settings);
  assert.equal(await service.recall(podOf(0, 1), NO_FACTS, settings), true, 'looked up again once forgotten');
  assert.deepEqual(service.withScans(NO_FACTS).scans?.get(digest(0))?.counts, report.counts);
  service.dispose();
});
