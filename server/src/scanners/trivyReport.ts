/**
 * trivy's JSON report (`trivy image --format json`, schema version 2): `Results[]`, one per target
 * (the OS packages, each language's lock files), each with `Vulnerabilities[]` of `VulnerabilityID`,
 * `PkgName`, `InstalledVersion`, `FixedVersion` (empty when none) and `Severity` (CRITICAL, HIGH,
 * MEDIUM, LOW, UNKNOWN). A target without vulnerabilities has none or null.
 */
import { parseReport, records, ReportBuilder, severityOf, text, UnreadableReport } from './report';
import type { ScanReport } from './types';

export function readTrivyReport(output: string): ScanReport {
  const report = parseReport(output);
  if (report.SchemaVersion !== 2) throw new UnreadableReport(`its SchemaVersion is ${JSON.stringify(report.SchemaVersion) ?? 'missing'}, not 2`);
  const builder = new ReportBuilder();
  for (const result of records(report.Results, 'Results')) {
    for (const entry of records(result.Vulnerabilities, 'a result’s Vulnerabilities')) {
      const fixed = entry.FixedVersion === undefined || entry.FixedVersion === '' ? null : text(entry, 'FixedVersion', 'vulnerability');
      builder.add({
        id: text(entry, 'VulnerabilityID', 'vulnerability'),
        package: text(entry, 'PkgName', 'vulnerability'),
        installed: text(entry, 'InstalledVersion', 'vulnerability'),
        fixed,
        severity: severityOf(entry.Severity),
      });
    }
  }
  return builder.build('trivy');
}
