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
import { jsonArrayItems } from './writer';
import type { ReportWriter } from './writer';

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

/** Where the results go in the log written with an empty list: the list is left open there and the results streamed in. */
const EMPTY_RESULTS = '"results": []';
/** The results array opens at this depth of indentation: log, runs, the run. */
const RESULTS_DEPTH = 3;

export function sarifWriter(write: (text: string) => void, run: SarifRun): ReportWriter {
  const rules = DIAGNOSTIC_CODES.map((code): ReportingDescriptor => ({
    id: code,
    shortDescription: { text: DIAGNOSTIC_RULES[code].summary },
    // The project has no public home page yet, so the help also travels in the log itself.
    help: { text: `${DIAGNOSTIC_RULES[code].summary} See docs/diagnostics.md, code ${code}.` },
    helpUri: `${run.diagnosticsPage}#${code}`,
    defaultConfiguration: { level: LEVELS[DIAGNOSTIC_RULES[code].defaultSeverity] },
  }));
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'image-aware', version: run.toolVersion, rules } },
        // A base URI must end in "/" to be resolved against; pathToFileURL drops it for a folder.
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(run.cwd).href.replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        results: [],
      },
    ],
  };
  // The results are the run's last key and the run the log's last item, so nothing but brackets follows them.
  const whole = JSON.stringify(log, null, 2);
  const at = whole.lastIndexOf(EMPTY_RESULTS) + EMPTY_RESULTS.length - 1;
  write(whole.slice(0, at));
  const results = jsonArrayItems(write, RESULTS_DEPTH);
  return {
    file(report: FileReport) {
      const location = artifactLocation(report, run.cwd);
      for (const d of report.diagnostics) {
        results.item({
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
        } satisfies Result);
      }
    },
    end() {
      results.close();
      write(`${whole.slice(at + 1)}\n`);
    },
  };
}
