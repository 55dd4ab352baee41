/**
 * Resolves findings into diagnostics: absolute offsets and the severity the settings give each code
 * (`off` drops it). Per-document findings come cached with the Analysis; workspace ones are recomputed.
 */
import type { Analysis } from '../analysis';
import type { Finding } from '../diagnostics/finding';
import { pullSecretFindings } from '../diagnostics/workspaceFindings';
import type { Settings } from '../settings';
import type { WorkspaceFacts } from '../workspace';
import type { Diagnostic } from './types';

export function collectDiagnostics(analysis: Analysis, settings: Settings, workspace: WorkspaceFacts | null): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const add = (finding: Finding, offset: number): void => {
    const severity = settings.severity[finding.code];
    if (severity === 'off') return;
    diagnostics.push({ code: finding.code, severity, message: finding.message, start: finding.start + offset, end: finding.end + offset });
  };
  for (const doc of analysis.documents) {
    for (const finding of doc.analysis.findings) add(finding, doc.start);
    for (const finding of pullSecretFindings(doc.analysis.fields, workspace)) add(finding, doc.start);
  }
  for (const finding of analysis.fileFindings) add(finding, 0);
  return diagnostics;
}
