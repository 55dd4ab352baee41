/** What the benchmarks time as "the analysis": the core's part of `check` and of the server's diagnostics. */
import { analyze } from '../server/src/core/analysis';
import type { Analysis } from '../server/src/core/analysis';
import { collectDiagnostics } from '../server/src/core/features/diagnostics';
import type { Diagnostic } from '../server/src/core/features/types';
import { DEFAULT_SETTINGS } from '../server/src/core/settings';
import { fileFacts, mergeFacts } from '../server/src/core/workspace';

/** Full analysis as a front end does it: analyze, this file's workspace facts, then diagnostics. */
export function fullAnalysis(text: string, previous?: Analysis): { analysis: Analysis; diagnostics: Diagnostic[] } {
  const analysis = analyze(text, { maxFileSize: DEFAULT_SETTINGS.maxFileSize, previous });
  const workspace = mergeFacts([fileFacts(analysis)]);
  return { analysis, diagnostics: collectDiagnostics(analysis, DEFAULT_SETTINGS, workspace) };
}
