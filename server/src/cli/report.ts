/**
 * What one `check` run produced, in the terms every output format shares: the file as the user named
 * it and each diagnostic with 1-based lines and columns (columns count UTF-16 code units, as the
 * core's offsets do and as SARIF's `utf16CodeUnits` declares). Formats only print these values.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from '../core';
import type { InputLocation } from './inputs';

export interface LocatedDiagnostic extends Diagnostic {
  readonly line: number;
  readonly column: number;
  /** The end is exclusive: the column just after the last character, as in SARIF. */
  readonly endLine: number;
  readonly endColumn: number;
}

export interface FileReport extends InputLocation {
  readonly diagnostics: readonly LocatedDiagnostic[];
}

/** Converts offsets to positions, in file order: the core lists diagnostics by document and kind, a reader wants them top to bottom. */
export function locateDiagnostics(text: string, diagnostics: readonly Diagnostic[]): LocatedDiagnostic[] {
  const lines = TextDocument.create('file:///check', 'yaml', 0, text);
  return [...diagnostics]
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map((diagnostic) => {
      const start = lines.positionAt(diagnostic.start);
      const end = lines.positionAt(diagnostic.end);
      return { ...diagnostic, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
    });
}

/** Two lists in file order merged into one, ties taking `first`'s entry first: what sorting them joined would give. */
export function mergeLocated(first: readonly LocatedDiagnostic[], second: readonly LocatedDiagnostic[]): LocatedDiagnostic[] {
  const merged: LocatedDiagnostic[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    const a = first[i];
    const b = second[j];
    if (b === undefined || (a !== undefined && (a.start - b.start || a.end - b.end) <= 0)) merged.push(first[i++]);
    else merged.push(second[j++]);
  }
  return merged;
}
