/**
 * SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), the format code-scanning services
 * read. One run; the rules are the whole diagnostic catalog, so a rule id is a diagnostic code and
 * stays stable; each rule's `helpUri` is its entry in docs/diagnostics.md, as the editor links it.
 * Files below the working directory are written relative to `%SRCROOT%`, which lets a CI service
 * map them onto its checkout; anything else gets an absolute file URI.
 */
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactLocation, Log, ReportingDescriptor, Result } from 'sarif';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_RULES } from '../../core';
import type { SeveritySetting } from '../../core';
import type { FileReport } from '../report';

const SRCROOT = '%SRCROOT%';

/** SARIF has no level below note, so hints become notes too. */
const LEVELS: Readonly<Record<SeveritySetting, Result.level>> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
  off: 'none',
};

export interface SarifRun {
  /** The folder relative paths are resolved against; it becomes `%SRCROOT%`. */
  readonly cwd: string;
  readonly toolVersion: string;
  /** The URL of docs/diagnostics.md as installed; each rule's help is its anchor there. */
  readonly diagnosticsPage: string;
}

function encodeSegments(segments: readonly string[]): string {
  return segments.map(encodeURIComponent).join('/');
}

function artifactLocation(report: FileReport, cwd: string): ArtifactLocation {
  // Standard input has no location on disk, so its display name stands in as a relative reference.
  if (report.absolutePath === null) return { uri: encodeSegments([report.path]) };
  const path = relative(cwd, report.absolutePath);
  if (path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) return { uri: pathToFileURL(report.absolutePath).href };
  return { uri: encodeSegments(path.split(sep)), uriBaseId: SRCROOT };
}

export function formatSarif(reports: readonly FileReport[], run: SarifRun): string {
  const rules = DIAGNOSTIC_CODES.map((code): ReportingDescriptor => ({
    id: code,
    shortDescription: { text: DIAGNOSTIC_RULES[code].summary },
    // The project has no public home page yet, so the help also travels in the log itself.
    help: { text: `${DIAGNOSTIC_RULES[code].summary} See docs/diagnostics.md, code ${code}.` },
    helpUri: `${run.diagnosticsPage}#${code}`,
    defaultConfiguration: { level: LEVELS[DIAGNOSTIC_RULES[code].defaultSeverity] },
  }));
  const results = reports.flatMap((report) => {
    const location = artifactLocation(report, run.cwd);
    return report.diagnostics.map((d): Result => ({
      ruleId: d.code,
      ruleIndex: DIAGNOSTIC_CODES.indexOf(d.code),
      level: LEVELS[d.severity],
      message: { text: d.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: location,
            region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
          },
        },
      ],
    }));
  });
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'image-aware', version: run.toolVersion, rules } },
        // A base URI must end in "/" to be resolved against; pathToFileURL drops it for a folder.
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(run.cwd).href.replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
