/**
 * What the editor features return: plain data in core terms (absolute UTF-16 offsets, markdown
 * strings). lsp/convert.ts turns these into LSP types; the CLI prints them.
 */
import type { DiagnosticCode, Severity } from '../diagnostics/catalog';
import type { TextEdit } from '../edits/textEdit';
import type { ManifestQuery } from '../facts';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly start: number;
  readonly end: number;
  /** `registry` for findings computed from what a registry answered (RegistryFacts); absent for offline ones. */
  readonly origin?: 'registry';
}

export interface Hover {
  readonly markdown: string;
  readonly start: number;
  readonly end: number;
}

export interface CompletionItem {
  readonly label: string;
  /** What choosing the item writes, and what typing filters on, where the label shows it short (a digest). */
  readonly insertText?: string;
  /**
   * `policy` for imagePullPolicy values, `image` for image names seen in the workspace, `tag` and
   * `digest` for what a registry answered.
   */
  readonly kind: 'policy' | 'image' | 'tag' | 'digest';
  /** Shown right after the label, in every row: a mark such as " moving tag" (LSP labelDetails.detail). */
  readonly labelDetail?: string;
  /** Shown at the end of every row: platforms and created date (LSP labelDetails.description). */
  readonly description?: string;
  readonly detail?: string;
  readonly documentation?: string;
  /** Orders items: lower first. */
  readonly sortText: string;
  readonly preselect?: boolean;
}

export interface CompletionList {
  /** The text the chosen item replaces. */
  readonly start: number;
  readonly end: number;
  readonly items: readonly CompletionItem[];
}

export interface InlayHint {
  /** Where the hint is drawn (just after the image value). */
  readonly offset: number;
  readonly label: string;
  readonly tooltip: string;
}

export interface CodeAction {
  readonly title: string;
  /** Diagnostic codes this action fixes; empty for refactorings offered without a diagnostic. */
  readonly fixes: readonly DiagnosticCode[];
  readonly isPreferred: boolean;
  readonly edits: readonly TextEdit[];
  /**
   * The registry question the edits wait for: such an action comes without edits; when it is chosen, a front end
   * asks the question and computes the actions again with the answer, taking the one with the same title.
   */
  readonly needs?: ManifestQuery;
}
