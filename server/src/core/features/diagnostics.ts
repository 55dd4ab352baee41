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

/**
 * Keeps a finding's span inside its document's text. The YAML parser reports an unterminated
 * collection or quote at the very end of the document, and analysis.ts widens that empty span to
 * one character, which then lay past the document (reaching into the next document's `---`).
 * Such a span is moved back onto the document's last non-blank character.
 */
function clampToDocument(finding: Finding, source: string): Finding {
  const length = source.length;
  if (finding.end <= length) return finding;
  if (finding.start < length) return { ...finding, end: length };
  let last = length;
  while (last > 0 && /\s/.test(source[last - 1])) last--;
  const start = Math.max(last - 1, 0);
  return { ...finding, start, end: Math.min(start + 1, length) };
}

export function collectDiagnostics(analysis: Analysis, settings: Settings, workspace: WorkspaceFacts | null): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const add = (finding: Finding, offset: number): void => {
    const severity = settings.severity[finding.code];
    if (severity === 'off') return;
    diagnostics.push({ code: finding.code, severity, message: finding.message, start: finding.start + offset, end: finding.end + offset });
  };
  for (const doc of analysis.documents) {
    for (const finding of doc.analysis.findings) add(clampToDocument(finding, doc.analysis.source), doc.start);
    for (const finding of pullSecretFindings(doc.analysis.fields, workspace)) add(finding, doc.start);
  }
  for (const finding of analysis.fileFindings) add(finding, 0);
  return diagnostics;
}
