/**
 * Resolves findings into diagnostics: absolute offsets and the severity the settings give each code
 * (`off` drops it). Per-document findings come cached with the Analysis; workspace ones are recomputed.
 * With RegistryFacts, the online findings (diagnostics/registryFindings.ts) are added, marked with
 * `origin: 'registry'`, and so are the platform findings (diagnostics/platformFindings.ts), the findings of
 * vulnerability scans they hold (diagnostics/scanFindings.ts) and of the opt-in policy on what is attached to
 * images (diagnostics/policyFindings.ts); without them the result is exactly the offline one. `options.registryProblems`
 * false leaves out each registry's own problem (registry-unreachable, unauthorized), which the editor
 * shows once in its status bar instead of in every file.
 */
import type { Analysis } from '../analysis';
import type { Finding } from '../diagnostics/finding';
import { policyFindings } from '../diagnostics/policyFindings';
import { platformFindings } from '../diagnostics/platformFindings';
import { registryFindings } from '../diagnostics/registryFindings';
import { scanFindings } from '../diagnostics/scanFindings';
import type { RegistryFindingOptions } from '../diagnostics/registryFindings';
import { pullSecretFindings } from '../diagnostics/workspaceFindings';
import { withTargets } from '../facts';
import type { RegistryFacts } from '../facts';
import type { Settings } from '../settings';
import { NOT_A_PATCH } from '../workspace';
import type { FileRole, WorkspaceFacts } from '../workspace';
import type { Diagnostic } from './types';

export function collectDiagnostics(
  analysis: Analysis,
  settings: Settings,
  workspace: WorkspaceFacts | null,
  facts?: RegistryFacts | null,
  role: FileRole = NOT_A_PATCH,
  options: RegistryFindingOptions = {},
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const add = (finding: Finding, offset: number, origin?: 'registry'): void => {
    const severity = settings.severity[finding.code];
    if (severity === 'off' || (role.patch && finding.code === 'missing-image')) return;
    const diagnostic: Diagnostic = { code: finding.code, severity, message: finding.message, start: finding.start + offset, end: finding.end + offset };
    diagnostics.push(origin ? { ...diagnostic, origin } : diagnostic);
  };
  for (const doc of analysis.documents) {
    for (const finding of doc.analysis.findings) add(finding, doc.start);
    for (const finding of pullSecretFindings(doc.analysis.fields, workspace)) add(finding, doc.start);
  }
  for (const finding of analysis.fileFindings) add(finding, 0);
  if (facts) for (const finding of registryFindings(analysis, facts, options)) add(finding, 0, 'registry');
  if (facts) for (const finding of platformFindings(analysis, withTargets(facts, settings.platforms), settings.pin)) add(finding, 0, 'registry');
  if (facts) for (const finding of scanFindings(analysis, facts, settings.scan.threshold)) add(finding, 0, 'registry');
  if (facts) for (const finding of policyFindings(analysis, facts, settings.signatures)) add(finding, 0, 'registry');
  return diagnostics;
}
