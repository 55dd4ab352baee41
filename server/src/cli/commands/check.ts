/**
 * `image-aware check PATH...`: the editor's diagnostics for files on disk, for CI. Every file is read
 * and analysed before any is reported, so workspace facts (the pull secrets some file defines) are
 * the same as in an editor that has the whole folder open.
 */
import { analyze } from '../../core/analysis';
import { DIAGNOSTIC_CODES, SEVERITIES, SEVERITY_SETTINGS } from '../../core/diagnostics/catalog';
import type { DiagnosticCode, Severity, SeveritySetting } from '../../core/diagnostics/catalog';
import { collectDiagnostics } from '../../core/features/diagnostics';
import { DEFAULT_MAX_FILE_SIZE_MB, parseSettings } from '../../core/settings';
import type { Settings } from '../../core/settings';
import { fileFacts, mergeFacts } from '../../core/workspace';
import { CliError, oneOf, parseCommandLine } from '../args';
import { formatJson } from '../format/json';
import { formatSarif } from '../format/sarif';
import { formatSummary, formatText } from '../format/text';
import { readInputs } from '../inputs';
import { locateDiagnostics } from '../report';
import type { FileReport } from '../report';

const FORMATS = ['text', 'json', 'sarif'] as const;
const FAIL_ON_LEVELS: readonly (Severity | 'never')[] = [...SEVERITIES, 'never'];

export const CHECK_USAGE = `Usage: image-aware check [options] PATH...

Checks the container image fields of Kubernetes manifests and kustomizations. PATH is a file, a folder
(searched for *.yaml and *.yml, skipping node_modules and .git) or - for standard input.

Options:
  --format ${FORMATS.join('|')}   Output format (default text; text also prints a summary on stderr).
  --fail-on LEVEL            Exit with 1 when a finding is at least this severe:
                             ${FAIL_ON_LEVELS.join(', ')} (default warning).
  --severity CODE=LEVEL      Report CODE at LEVEL (${SEVERITY_SETTINGS.join(', ')}); repeatable.
  --max-file-size-mb N       Analyse at most N MB of each file (default ${DEFAULT_MAX_FILE_SIZE_MB}).
  -h, --help                 Show this help.

Codes: ${DIAGNOSTIC_CODES.join(', ')}.

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 for a usage or read error.
`;

export interface CheckIo {
  /** Relative paths are resolved against it, and SARIF locations are relative to it. */
  readonly cwd: string;
  readonly toolVersion: () => string;
  readonly readStdin: () => Promise<Uint8Array>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

interface CheckOptions {
  readonly format: (typeof FORMATS)[number];
  readonly failOn: Severity | 'never';
  readonly settings: Settings;
  readonly paths: readonly string[];
}

function severityOverride(entry: string): [DiagnosticCode, SeveritySetting] {
  const equals = entry.indexOf('=');
  if (equals < 0) throw new CliError(`--severity expects CODE=LEVEL (got "${entry}").`);
  const code = oneOf('The code in --severity', entry.slice(0, equals), DIAGNOSTIC_CODES);
  return [code, oneOf('The level in --severity', entry.slice(equals + 1), SEVERITY_SETTINGS)];
}

function maxFileSizeMb(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const megabytes = Number(text);
  if (!(Number.isFinite(megabytes) && megabytes > 0)) throw new CliError(`--max-file-size-mb must be a positive number (got "${text}").`);
  return megabytes;
}

/** Returns null when help was asked for. */
function readOptions(argv: string[]): CheckOptions | null {
  const { values, positionals } = parseCommandLine({
    args: argv,
    options: {
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'warning' },
      severity: { type: 'string', multiple: true, default: [] },
      'max-file-size-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (values.help) return null;
  if (positionals.length === 0) throw new CliError('check needs at least one PATH (a file, a folder, or - for standard input).');
  // parseSettings would silently ignore a bad value; on a command line that is a mistake to report.
  const settings = parseSettings({
    diagnostics: Object.fromEntries(values.severity.map(severityOverride)),
    limits: { maxFileSizeMB: maxFileSizeMb(values['max-file-size-mb']) },
  });
  return {
    format: oneOf('--format', values.format, FORMATS),
    failOn: oneOf('--fail-on', values['fail-on'], FAIL_ON_LEVELS),
    settings,
    paths: positionals,
  };
}

function reaches(reports: readonly FileReport[], failOn: Severity | 'never'): boolean {
  if (failOn === 'never') return false;
  const threshold = SEVERITIES.indexOf(failOn);
  return reports.some((report) => report.diagnostics.some((d) => SEVERITIES.indexOf(d.severity) <= threshold));
}

/** Prints the findings; returns whether one reaches the --fail-on level. */
export async function check(argv: string[], io: CheckIo): Promise<boolean> {
  const options = readOptions(argv);
  if (options === null) {
    io.stdout(CHECK_USAGE);
    return false;
  }
  const { settings } = options;
  const inputs = await readInputs(options.paths, io.cwd, io.readStdin);
  const analyses = inputs.map((input) => analyze(input.text, { fileName: input.path, maxFileSize: settings.maxFileSize }));
  const workspace = mergeFacts(analyses.map(fileFacts));
  const reports: FileReport[] = inputs.map(({ path, absolutePath, text }, i) => ({
    path,
    absolutePath,
    diagnostics: locateDiagnostics(text, collectDiagnostics(analyses[i], settings, workspace)),
  }));
  switch (options.format) {
    case 'text':
      io.stdout(formatText(reports));
      io.stderr(formatSummary(reports));
      break;
    case 'json':
      io.stdout(formatJson(reports));
      break;
    case 'sarif':
      io.stdout(formatSarif(reports, { cwd: io.cwd, toolVersion: io.toolVersion() }));
      break;
  }
  return reaches(reports, options.failOn);
}
