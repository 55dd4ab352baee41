/**
 * Reading the scanners' JSON reports: trivy's and grype's real output (test/fixtures/scanners, with
 * the repository and commit each came from) normalised to counts by severity and the most severe
 * vulnerabilities, in the scanner's order within a severity; and what is refused: text that is not
 * JSON, another schema, fields of the wrong type, more vulnerabilities than the bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readGrypeReport } from '../../server/src/scanners/grypeReport';
import { MAX_TOP, MAX_VULNERABILITIES, UnreadableReport } from '../../server/src/scanners/report';
import { readTrivyReport } from '../../server/src/scanners/trivyReport';
import { SCANNER_FIXTURES } from '../helpers/standInScanners';

const fixture = (name: string): string => readFileSync(join(SCANNER_FIXTURES, name), 'utf8');

const ZERO = { critical: 0, high: 0, medium: 0, low: 0, negligible: 0, unknown: 0 };

function refused(read: (output: string) => unknown, output: string, reason: RegExp): void {
  assert.throws(
    () => read(output),
    (error: unknown) => error instanceof UnreadableReport && reason.test(error.message),
  );
}

test('trivy: alpine 3.9, two critical musl findings first, then the four medium ones in trivy’s order', () => {
  assert.deepEqual(readTrivyReport(fixture('trivy-alpine-39.json')), {
    scanner: 'trivy',
    counts: { ...ZERO, critical: 2, medium: 4 },
    top: [
      { id: 'CVE-2019-14697', package: 'musl', installed: '1.1.20-r4', fixed: '1.1.20-r5', severity: 'critical' },
      { id: 'CVE-2019-14697', package: 'musl-utils', installed: '1.1.20-r4', fixed: '1.1.20-r5', severity: 'critical' },
      { id: 'CVE-2019-1549', package: 'libcrypto1.1', installed: '1.1.1b-r1', fixed: '1.1.1d-r0', severity: 'medium' },
      { id: 'CVE-2019-1551', package: 'libcrypto1.1', installed: '1.1.1b-r1', fixed: '1.1.1d-r2', severity: 'medium' },
      { id: 'CVE-2019-1549', package: 'libssl1.1', installed: '1.1.1b-r1', fixed: '1.1.1d-r0', severity: 'medium' },
      { id: 'CVE-2019-1551', package: 'libssl1.1', installed: '1.1.1b-r1', fixed: '1.1.1d-r2', severity: 'medium' },
    ],
  });
});

test('trivy: the OS packages and a language target both count; a fixed version list is kept as written', () => {
  assert.deepEqual(readTrivyReport(fixture('trivy-fluentd-gems.json')), {
    scanner: 'trivy',
    counts: { ...ZERO, critical: 1, high: 1 },
    top: [
      { id: 'CVE-2019-18224', package: 'libidn2-0', installed: '2.0.5-1', fixed: '2.0.5-1+deb10u1', severity: 'critical' },
      { id: 'CVE-2020-8165', package: 'activesupport', installed: '6.0.2.1', fixed: '6.0.3.1, 5.2.4.3', severity: 'high' },
    ],
  });
});

test('trivy: a target without a Vulnerabilities list is a clean image', () => {
  assert.deepEqual(readTrivyReport(fixture('trivy-sl-micro-rancher5.4.json')), { scanner: 'trivy', counts: ZERO, top: [] });
});

test('grype: the presenter snapshot, critical before low, several fixed versions joined and none as null', () => {
  assert.deepEqual(readGrypeReport(fixture('grype-json-imgs-presenter.json')), {
    scanner: 'grype',
    counts: { ...ZERO, critical: 1, low: 1 },
    top: [
      { id: 'CVE-1999-0002', package: 'package-2', installed: '2.2.2', fixed: null, severity: 'critical' },
      { id: 'CVE-1999-0001', package: 'package-1', installed: '1.1.1', fixed: '1.2.1, 2.1.3, 3.4.0', severity: 'low' },
    ],
  });
});

test('grype: chainguard ruby, three high findings in grype’s order, one without a fix', () => {
  assert.deepEqual(readGrypeReport(fixture('grype-chainguard-ruby.json')), {
    scanner: 'grype',
    counts: { ...ZERO, high: 3 },
    top: [
      { id: 'CVE-2023-28755', package: 'ruby-3.0', installed: '3.0.4-r1', fixed: '3.0.6-r0', severity: 'high' },
      { id: 'CVE-2023-28755', package: 'uri', installed: '0.10.1', fixed: null, severity: 'high' },
      { id: 'GHSA-hv5j-3h9f-99c2', package: 'uri', installed: '0.10.1', fixed: '0.10.2', severity: 'high' },
    ],
  });
});

test('grype: Negligible is its own severity, below low; an unknown word counts as unknown', () => {
  const report = JSON.parse(fixture('grype-keycloak.json')) as { matches: { vulnerability: { severity: string } }[] };
  report.matches[1].vulnerability.severity = 'Negligible';
  report.matches[4].vulnerability.severity = 'Unknown';
  report.matches[5].vulnerability.severity = 'catastrophic';
  const read = readGrypeReport(JSON.stringify(report));
  assert.deepEqual(read.counts, { ...ZERO, low: 3, negligible: 1, unknown: 2 });
  assert.deepEqual(
    read.top.map((v) => `${v.package} ${v.severity}`),
    ['nspr low', 'nss-softokn low', 'nss-softokn-freebl low', 'nss negligible', 'nss-sysinit unknown', 'nss-util unknown'],
  );
});

test('only the ten most severe are kept, and counts cover every one', () => {
  const entry = (i: number, severity: string): object => ({
    VulnerabilityID: `CVE-2024-${i}`,
    PkgName: `p${i}`,
    InstalledVersion: '1',
    FixedVersion: '',
    Severity: severity,
  });
  const lows = Array.from({ length: 30 }, (_, i) => entry(i, 'LOW'));
  const highs = Array.from({ length: 12 }, (_, i) => entry(100 + i, 'HIGH'));
  const report = { SchemaVersion: 2, Results: [{ Vulnerabilities: [...lows, entry(999, 'CRITICAL'), ...highs] }] };
  const read = readTrivyReport(JSON.stringify(report));
  assert.deepEqual(read.counts, { ...ZERO, critical: 1, high: 12, low: 30 });
  assert.equal(MAX_TOP, 10);
  assert.deepEqual(
    read.top.map((v) => v.id),
    ['CVE-2024-999', ...Array.from({ length: 9 }, (_, i) => `CVE-2024-${100 + i}`)],
  );
  assert.equal(read.top[0].fixed, null, 'an empty FixedVersion is no fix');
});

test('long texts are cut, so a report cannot make the hover or a message huge', () => {
  const report = {
    SchemaVersion: 2,
    Results: [{ Vulnerabilities: [{ VulnerabilityID: 'X', PkgName: 'p'.repeat(5000), InstalledVersion: '1', Severity: 'HIGH' }] }],
  };
  const [only] = readTrivyReport(JSON.stringify(report)).top;
  assert.equal(only.package, `${'p'.repeat(200)}…`);
});

test('control characters in a report become spaces, so a package name cannot start new lines in the hover', () => {
  const name = 'lib\n\n# Safe\r\n[update](https://example.invalid)\u0000\u001b[31m';
  const report = { matches: [{ vulnerability: { id: 'CVE-1\n', severity: 'High' }, artifact: { name, version: '1\t2' } }] };
  const [only] = readGrypeReport(JSON.stringify(report)).top;
  assert.deepEqual(only, { id: 'CVE-1 ', package: 'lib  # Safe  [update](https://example.invalid)  [31m', installed: '1 2', fixed: null, severity: 'high' });
});

test('a report listing more vulnerabilities than the bound is refused, not undercounted', () => {
  const one = { VulnerabilityID: 'CVE-1', PkgName: 'p', InstalledVersion: '1', Severity: 'LOW' };
  const report = { SchemaVersion: 2, Results: [{ Vulnerabilities: Array.from({ length: MAX_VULNERABILITIES + 1 }, () => one) }] };
  refused(readTrivyReport, JSON.stringify(report), /more than 100000 vulnerabilities/);
  const atTheBound = { SchemaVersion: 2, Results: [{ Vulnerabilities: Array.from({ length: MAX_VULNERABILITIES }, () => one) }] };
  assert.equal(readTrivyReport(JSON.stringify(atTheBound)).counts.low, MAX_VULNERABILITIES);
});

test('what is not a report of the scanner is refused with the reason', () => {
  refused(readTrivyReport, '', /not JSON/);
  refused(readTrivyReport, '2024-05-01T12:00:00Z\tFATAL\tFatal error', /not JSON/);
  refused(readTrivyReport, fixture('trivy-alpine-39.json').slice(0, 2000), /not JSON/);
  refused(readTrivyReport, '[]', /not a JSON object/);
  refused(readTrivyReport, '{"SchemaVersion":1,"Results":[]}', /SchemaVersion is 1, not 2/);
  refused(readTrivyReport, fixture('grype-keycloak.json'), /SchemaVersion is missing/);
  refused(readTrivyReport, '{"SchemaVersion":2,"Results":{}}', /Results is not a list/);
  refused(readTrivyReport, '{"SchemaVersion":2,"Results":[{"Vulnerabilities":[7]}]}', /other than objects/);
  refused(readTrivyReport, '{"SchemaVersion":2,"Results":[{"Vulnerabilities":[{"VulnerabilityID":1}]}]}', /no VulnerabilityID text/);
  refused(readGrypeReport, fixture('trivy-alpine-39.json'), /no list of matches/);
  refused(readGrypeReport, '{"matches":[{"vulnerability":{"id":"CVE-1"}}]}', /no vulnerability or no artifact/);
  refused(readGrypeReport, '{"matches":[{"vulnerability":{"id":"CVE-1","fix":{"versions":[1]}},"artifact":{"name":"a","version":"1"}}]}', /fix versions/);
  // A null list is how both write "none".
  assert.deepEqual(readTrivyReport('{"SchemaVersion":2,"Results":null}').counts, ZERO);
  assert.deepEqual(readGrypeReport('{"matches":[]}').counts, ZERO);
});
