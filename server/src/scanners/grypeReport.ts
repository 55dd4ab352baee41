/**
 * grype's JSON report (`grype -o json`): `matches[]`, each a `vulnerability` (`id`, `severity`:
 * Critical, High, Medium, Low, Negligible or Unknown, `fix.versions`) found in an `artifact` (`name`,
 * `version`). A vulnerability with several fixed versions (one per release line) lists them all.
 */
import { isRecord } from '../core/json';
import { cut, parseReport, records, ReportBuilder, severityOf, text, UnreadableReport } from './report';
import type { ScanReport } from './types';

function fixedVersions(vulnerability: Record<string, unknown>): string | null {
  const fix = vulnerability.fix;
  if (fix === undefined || fix === null) return null;
  const versions = isRecord(fix) ? fix.versions : undefined;
  if (versions === undefined || versions === null) return null;
  if (!Array.isArray(versions) || !versions.every((v) => typeof v === 'string')) throw new UnreadableReport('a match has fix versions that are not texts');
  return versions.length === 0 ? null : cut(versions.join(', '));
}

export function readGrypeReport(output: string): ScanReport {
  const report = parseReport(output);
  if (!Array.isArray(report.matches)) throw new UnreadableReport('it has no list of matches');
  const builder = new ReportBuilder();
  for (const match of records(report.matches, 'matches')) {
    if (!isRecord(match.vulnerability) || !isRecord(match.artifact)) throw new UnreadableReport('a match has no vulnerability or no artifact');
    const { vulnerability, artifact } = match;
    builder.add({
      id: text(vulnerability, 'id', 'vulnerability'),
      package: text(artifact, 'name', 'artifact'),
      installed: text(artifact, 'version', 'artifact'),
      fixed: fixedVersions(vulnerability),
      severity: severityOf(vulnerability.severity),
    });
  }
  return builder.build('grype');
}
