/**
 * The scanner adapters against stand-in executables (test/helpers/standInScanners.ts): shell scripts
 * named trivy and grype on a PATH of the test's own, printing the scanners' real JSON reports. No
 * scanner is installed here; what is checked is what the adapter runs (the argument vector each
 * stand-in records), how it finds the scanner, reads its report, and ends it: a failure with the
 * scanner's own words, output past the bound, a timeout and a cancel that end the whole process group.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseScanner, createScanner, MAX_REPORT_BYTES, pickScanner, ScannerError } from '../../server/src/scanners';
import { processesWith } from '../helpers/buildTools';
import { writeScript } from '../helpers/standInPrograms';
import { standInScanner } from '../helpers/standInScanners';

const root = mkdtempSync(join(tmpdir(), 'image-aware-scanners-'));
after(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
function folder(): string {
  const dir = join(root, String(folders++));
  mkdirSync(dir);
  return dir;
}

const IMAGE = `127.0.0.1:5000/team/app@sha256:${'ab'.repeat(32)}`;

async function rejection(promise: Promise<unknown>): Promise<ScannerError> {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ScannerError, String(error));
  return error;
}

test('detection: auto takes trivy, else grype, found in absolute PATH entries only; a named scanner is the only one looked for', () => {
  const both = folder();
  const onlyGrype = folder();
  standInScanner(both, 'trivy', { report: 'trivy-alpine-39.json' });
  standInScanner(both, 'grype', { report: 'grype-keycloak.json' });
  standInScanner(onlyGrype, 'grype', { report: 'grype-keycloak.json' });
  assert.deepEqual(pickScanner('auto', { PATH: both }), { ok: true, name: 'trivy', executable: join(both, 'trivy') });
  assert.deepEqual(pickScanner('grype', { PATH: both }), { ok: true, name: 'grype', executable: join(both, 'grype') });
  assert.deepEqual(pickScanner('auto', { PATH: `${folder()}:${onlyGrype}` }), { ok: true, name: 'grype', executable: join(onlyGrype, 'grype') });
  assert.deepEqual(pickScanner('trivy', { PATH: onlyGrype }), { ok: false, reason: 'trivy is not installed (not found on PATH).' });
  assert.deepEqual(pickScanner('auto', { PATH: folder() }), {
    ok: false,
    reason: 'No vulnerability scanner is installed: neither trivy nor grype was found on PATH.',
  });
  // A relative entry would run whatever the current folder holds: it is skipped.
  assert.equal(pickScanner('auto', { PATH: `.:${both.slice(1)}` }).ok, false);
  const notExecutable = folder();
  writeFileSync(join(notExecutable, 'trivy'), '#!/bin/sh\n');
  assert.equal(pickScanner('trivy', { PATH: notExecutable }).ok, false);
});

test('trivy runs as `image --format json --quiet --scanners vuln IMAGE` and its report is read', async () => {
  const dir = folder();
  const stand = standInScanner(dir, 'trivy', { report: 'trivy-alpine-39.json', stderr: '2024-05-01T12:00:00Z\tINFO\tNeed to update DB' });
  const choice = chooseScanner('auto', { PATH: dir });
  assert.ok(choice.ok);
  const report = await choice.scanner.scan(IMAGE);
  assert.deepEqual(stand.calls(), [['image', '--format', 'json', '--quiet', '--scanners', 'vuln', IMAGE]]);
  assert.equal(report.scanner, 'trivy');
  assert.deepEqual(report.counts, { critical: 2, high: 0, medium: 4, low: 0, negligible: 0, unknown: 0 });
});

test('grype runs as `registry:IMAGE -o json` and its report is read', async () => {
  const dir = folder();
  const stand = standInScanner(dir, 'grype', { report: 'grype-chainguard-ruby.json' });
  const report = await createScanner('grype', stand.path, { PATH: dir }).scan(IMAGE);
  assert.deepEqual(stand.calls(), [[`registry:${IMAGE}`, '-o', 'json']]);
  assert.deepEqual(report.counts, { critical: 0, high: 3, medium: 0, low: 0, negligible: 0, unknown: 0 });
});

test('the scanner gets exactly the environment given (its database folder, registry credentials)', async () => {
  const dir = folder();
  const script = writeScript(
    dir,
    'trivy',
    `printf '{"SchemaVersion":2,"Results":[{"Vulnerabilities":[{"VulnerabilityID":"%s","PkgName":"%s","InstalledVersion":"1","Severity":"LOW"}]}]}' "$TRIVY_CACHE_DIR" "$HOME"`,
  );
  const report = await createScanner('trivy', script, { PATH: dir, TRIVY_CACHE_DIR: '/var/cache/trivy', HOME: '/home/dev' }).scan(IMAGE);
  assert.deepEqual(report.top[0], { id: '/var/cache/trivy', package: '/home/dev', installed: '1', fixed: null, severity: 'low' });
});

test('a scanner that fails says why in its own words; a silent one gets its exit code', async () => {
  const dir = folder();
  const said = standInScanner(dir, 'grype', {
    stderr: '[0007] ERROR failed to catalog: could not fetch image: unauthorized: authentication required',
    exitCode: 1,
  });
  const error = await rejection(createScanner('grype', said.path, { PATH: dir }).scan(IMAGE));
  assert.equal(
    error.message,
    `grype could not scan ${IMAGE}: it said: [0007] ERROR failed to catalog: could not fetch image: unauthorized: authentication required`,
  );
  assert.equal(error.cancelled, false);
  const silentDir = folder();
  const silent = standInScanner(silentDir, 'trivy', { exitCode: 3 });
  assert.equal(
    (await rejection(createScanner('trivy', silent.path, { PATH: silentDir }).scan(IMAGE))).message,
    `trivy could not scan ${IMAGE}: it exited with code 3`,
  );
});

test('a report that is not one is refused, naming the scanner and the image', async () => {
  const dir = folder();
  const stand = standInScanner(dir, 'trivy', { report: 'grype-keycloak.json' });
  const error = await rejection(createScanner('trivy', stand.path, { PATH: dir }).scan(IMAGE));
  assert.equal(error.message, `trivy printed a report for ${IMAGE} that cannot be read: its SchemaVersion is missing, not 2.`);
});

test('output past MAX_REPORT_BYTES ends the scanner and its group; nothing of it is parsed', async () => {
  const dir = folder();
  const marker = `40.${process.pid}1`;
  // Prints without end from a child, as a scanner stuck in a loop would; the parent waits for it.
  const script = writeScript(dir, 'grype', `PATH=/usr/bin:/bin\nyes '{"matches":[' &\nsleep ${marker} &\nwait`);
  const started = Date.now();
  const error = await rejection(createScanner('grype', script, { PATH: dir }).scan(IMAGE));
  assert.equal(error.message, `grype could not scan ${IMAGE}: it printed more than ${MAX_REPORT_BYTES / 1024 / 1024} MiB`);
  assert.ok(Date.now() - started < 15_000);
  assert.deepEqual(processesWith(`sleep ${marker}`), []);
});

test('a scanner that hangs is stopped at the timeout, with everything it started', async () => {
  const dir = folder();
  const marker = `40.${process.pid}2`;
  const stand = standInScanner(dir, 'trivy', { hang: { marker } });
  const error = await rejection(createScanner('trivy', stand.path, { PATH: dir }).scan(IMAGE, { timeoutMs: 300 }));
  assert.equal(error.message, `trivy could not scan ${IMAGE}: it did not answer within 300 ms and was stopped`);
  assert.equal(error.cancelled, false);
  assert.deepEqual(processesWith(`sleep ${marker}`), []);
});

test('cancelling a scan ends its whole process group and rejects as cancelled', async () => {
  const dir = folder();
  const marker = `40.${process.pid}3`;
  const ready = join(dir, 'ready');
  execFileSync('mkfifo', [ready]);
  const stand = standInScanner(dir, 'grype', { hang: { marker, ready } });
  const controller = new AbortController();
  const running = createScanner('grype', stand.path, { PATH: dir }).scan(IMAGE, { signal: controller.signal });
  // Reading the FIFO returns once the stand-in has started its child and written to it: then cancel.
  assert.equal(await readFile(ready, 'utf8'), 'started\n');
  assert.equal(processesWith(`sleep ${marker}`).length, 1);
  controller.abort();
  const error = await rejection(running);
  assert.equal(error.cancelled, true);
  assert.equal(error.message, `The grype scan of ${IMAGE} was cancelled.`);
  assert.deepEqual(processesWith(`sleep ${marker}`), []);
  assert.equal(stand.calls().length, 1);
});
