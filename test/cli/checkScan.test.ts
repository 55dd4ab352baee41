/**
 * `image-aware check --online --scan`, run as a real process against a real registry on loopback,
 * with stand-in trivy and grype executables (test/helpers/standInScanners.ts) first on its PATH:
 * no scanner is installed here, so the stand-ins print the scanners' real JSON reports
 * (test/fixtures/scanners) and record each run. What is checked: each digest is scanned once (an
 * image by tag by the digest its tag points to), vulnerable-image at the threshold, the cache by
 * digest across runs and --rescan, and the exit status when no scanner is found or a scan fails.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushImage } from '../helpers/registry';
import { standInScanner } from '../helpers/standInScanners';
import { runCliAsync } from './runCli';
import { isolatedEnv, registryWith, temporaryDir } from './registrySetup';

const root = mkdtempSync(join(tmpdir(), 'image-aware-check-scan-'));
after(() => rmSync(root, { recursive: true, force: true }));

let folders = 0;
function folder(): string {
  const dir = join(root, String(folders++));
  mkdirSync(dir);
  return dir;
}

interface JsonFinding {
  readonly line: number;
  readonly code: string;
  readonly severity: string;
  readonly message: string;
}

function pod(images: readonly string[]): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;
}

async function check(dir: string, args: readonly string[], env: Record<string, string>) {
  const run = await runCliAsync(['check', '--format', 'json', '--severity', 'not-pinned=off', '--online', '--scan', ...args, 'pod.yaml'], { cwd: dir, env });
  const findings = run.stdout === '' ? [] : (JSON.parse(run.stdout) as JsonFinding[]);
  return { status: run.status, stderr: run.stderr, scans: findings.filter((f) => f.code === 'vulnerable-image') };
}

test('check --online --scan: each digest scanned once, vulnerable-image at the threshold, cached by digest, --rescan', async () => {
  const registry = await registryWith();
  const app = await pushImage(registry, 'team/app', '1.0');
  const other = await pushImage(registry, 'team/other', '2.0');
  const dir = temporaryDir();
  // team/app by tag and pinned: one digest; team/other by tag: another.
  writeFileSync(
    join(dir, 'pod.yaml'),
    pod([`${registry.host}/team/app:1.0`, `${registry.host}/team/app:1.0@${app.digest}`, `${registry.host}/team/other:2.0`]),
  );
  const scanners = folder();
  const trivy = standInScanner(scanners, 'trivy', { report: 'trivy-alpine-39.json' });
  const { env } = isolatedEnv();
  const withScanners = { ...env, PATH: `${scanners}:${env.PATH}` };

  const first = await check(dir, [], withScanners);
  assert.equal(first.status, 1, first.stderr);
  assert.deepEqual(
    trivy
      .calls()
      .map((argv) => argv.at(-1))
      .sort(),
    [`${registry.host}/team/app@${app.digest}`, `${registry.host}/team/other@${other.digest}`].sort(),
  );
  assert.deepEqual(
    first.scans.map((f) => `${f.line} ${f.severity}`),
    ['8 warning', '10 warning', '12 warning'],
  );
  assert.match(
    first.scans[1].message,
    /^trivy found 2 critical vulnerabilities \(threshold: high\) in sha256:[0-9a-f]{12}…, scanned on \d{4}-\d\d-\d\d: CVE-2019-14697 \(critical\) in musl 1\.1\.20-r4, fixed in 1\.1\.20-r5/,
  );
  assert.match(first.scans[0].message, /in the image its tag points to now/);
  assert.match(first.stderr, /scanning 2 images with trivy/);

  // The threshold counts what is at least that severe: the four medium ones only from medium down.
  const medium = await check(dir, ['--scan-threshold', 'medium'], withScanners);
  assert.match(medium.scans[0].message, /found 2 critical and 4 medium vulnerabilities \(threshold: medium\)/);
  assert.equal(trivy.calls().length, 2, 'the second run reads the cache');
  assert.match(medium.stderr, /2 scan results of the last day reused from the cache/);

  const rescan = await check(dir, ['--rescan'], withScanners);
  assert.equal(rescan.status, 1);
  assert.equal(trivy.calls().length, 4);
});

test('check --scan --scanner grype: below the threshold there is no finding and check passes', async () => {
  const registry = await registryWith();
  const app = await pushImage(registry, 'team/app', '1.0');
  const dir = temporaryDir();
  writeFileSync(join(dir, 'pod.yaml'), pod([`${registry.host}/team/app@${app.digest}`]));
  const scanners = folder();
  standInScanner(scanners, 'trivy', { report: 'trivy-alpine-39.json' });
  const grype = standInScanner(scanners, 'grype', { report: 'grype-chainguard-ruby.json' });
  const { env } = isolatedEnv();
  const withScanners = { ...env, PATH: `${scanners}:${env.PATH}` };
  const critical = await check(dir, ['--scanner', 'grype', '--scan-threshold', 'critical'], withScanners);
  assert.equal(critical.status, 0, critical.stderr);
  assert.deepEqual(critical.scans, []);
  assert.deepEqual(grype.calls(), [[`registry:${registry.host}/team/app@${app.digest}`, '-o', 'json']]);
  const high = await check(dir, ['--scanner', 'grype'], withScanners);
  assert.equal(high.status, 1);
  assert.match(high.scans[0].message, /^grype found 3 high vulnerabilities \(threshold: high\)/);
});

test('check --scan: no scanner on PATH is a usage error before anything is asked; a failed scan exits 2 after the findings', async () => {
  const registry = await registryWith();
  const app = await pushImage(registry, 'team/app', '1.0');
  const dir = temporaryDir();
  writeFileSync(join(dir, 'pod.yaml'), pod([`${registry.host}/team/app@${app.digest}`]));
  const { env } = isolatedEnv();
  const none = await runCliAsync(['check', '--online', '--scan', 'pod.yaml'], { cwd: dir, env: { ...env, PATH: folder() } });
  assert.equal(none.status, 2);
  assert.match(
    none.stderr,
    /--scan cannot run: No vulnerability scanner is installed: neither trivy nor grype was found on PATH\. Install one, or leave --scan out\./,
  );
  const noOnline = await runCliAsync(['check', '--scan', 'pod.yaml'], { cwd: dir, env });
  assert.equal(noOnline.status, 2);
  assert.match(noOnline.stderr, /--scan needs --online/);

  const scanners = folder();
  standInScanner(scanners, 'trivy', { stderr: 'FATAL\tunable to initialize the vulnerability DB', exitCode: 1 });
  const failed = await check(dir, [], { ...env, PATH: `${scanners}:${env.PATH}` });
  assert.equal(failed.status, 2);
  assert.match(failed.stderr, /trivy could not scan .*: it said: FATAL\s+unable to initialize the vulnerability DB/);
  assert.match(failed.stderr, /trivy could not scan 1 of 1 images, so their findings are missing\./);
});
