/**
 * One file of `check`, analysed on its own (in the main thread or in a worker, checkWorkers.ts): its
 * diagnostics as though no file defined a pull secret, each unknown-pull-secret one marked with the
 * Secret it names, so that once the workspace's secrets are known (or, earlier, once every Secret a
 * file names is known to be defined) `settle` drops the ones another file defines. Filtering a list
 * already in file order keeps the order collectDiagnostics and locateDiagnostics would give with the
 * whole workspace at hand, so the output is the same as checking every file before reporting any.
 */
import { collectDiagnostics, locationsWith, readConfigFile, BUILT_IN_LOCATIONS } from '../core';
import type { Analysis, ChartContext, LocationTable, Settings } from '../core';
import { analyzeFile } from '../engine';
import { MAX_FILE_SIZE_FLAG } from './args';
import type { Input } from './inputs';
import { locateDiagnostics } from './report';
import type { FileReport } from './report';

/** What every file of one run is checked with; plain data, so a worker gets a copy. */
export interface CheckPlan {
  readonly settings: Settings;
  /** The text of the mapping file of users' own resources (cli/locations.ts), or null without one. */
  readonly configText: string | null;
  /** Its absolute path: that file is read as the mapping it is. */
  readonly configPath: string | null;
  /** Absolute paths of the files a kustomization applies as patches. */
  readonly patches: ReadonlySet<string>;
}

/** A file's findings before the workspace's pull secrets are known. */
export interface CheckedFile extends FileReport {
  /** The Secrets this file defines. */
  readonly definedSecrets: readonly string[];
  /** Diagnostic index → the Secret an unknown-pull-secret diagnostic names, dropped when some file defines it. */
  readonly pullSecrets: readonly { readonly index: number; readonly secret: string }[];
}

/** The mapping file's table of where images are: the LocationTable holds functions, so each thread builds its own. */
export function locationTable(configText: string | null): LocationTable {
  return configText === null ? BUILT_IN_LOCATIONS : locationsWith(readConfigFile(configText).config);
}

/** Nothing defined yet: every pull secret a file names is reported, to be dropped by `settle`. */
const NO_SECRETS = { definedSecrets: new Set<string>(), images: new Map<string, number>() };

/** The analysis is handed back too, for the registries' questions (`check --online`). */
export function checkInput(input: Input, chart: ChartContext | null, plan: CheckPlan, locations: LocationTable): { file: CheckedFile; analysis: Analysis } {
  const analysis = analyzeFile(input.text, {
    chart,
    fileName: input.path,
    maxFileSize: plan.settings.maxFileSize,
    sizeLimitSetting: MAX_FILE_SIZE_FLAG,
    locations,
    mappingFile: input.absolutePath !== null && input.absolutePath === plan.configPath ? true : undefined,
  });
  const role = { patch: input.absolutePath !== null && plan.patches.has(input.absolutePath) };
  const diagnostics = locateDiagnostics(input.text, collectDiagnostics(analysis, plan.settings, NO_SECRETS, null, role));
  const named = new Map<number, string>();
  const definedSecrets: string[] = [];
  for (const doc of analysis.documents) {
    definedSecrets.push(...doc.analysis.fields.definedSecrets);
    for (const container of doc.analysis.fields.containers) for (const secret of container.pullSecrets) named.set(doc.start + secret.start, secret.value);
  }
  const pullSecrets: { index: number; secret: string }[] = [];
  diagnostics.forEach((d, index) => {
    const secret = d.code === 'unknown-pull-secret' ? named.get(d.start) : undefined;
    if (secret !== undefined) pullSecrets.push({ index, secret });
  });
  return { file: { path: input.path, absolutePath: input.absolutePath, diagnostics, definedSecrets, pullSecrets }, analysis };
}

/** Whether every Secret the file names is among `defined`, so that `settle` gives its final findings already. */
export function isSettled(file: CheckedFile, defined: ReadonlySet<string>): boolean {
  return file.pullSecrets.every(({ secret }) => defined.has(secret));
}

/** The file's report once `defined` holds every Secret it names that the workspace defines. */
export function settle(file: CheckedFile, defined: ReadonlySet<string>): FileReport {
  const dropped = new Set(file.pullSecrets.filter(({ secret }) => defined.has(secret)).map(({ index }) => index));
  return {
    path: file.path,
    absolutePath: file.absolutePath,
    diagnostics: dropped.size === 0 ? file.diagnostics : file.diagnostics.filter((_, i) => !dropped.has(i)),
  };
}
