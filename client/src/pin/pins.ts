/**
 * The pins the language server planned (server/src/lsp/protocol.ts), as the VS Code side needs
 * them: grouped by file, checked against the documents before they are applied, turned into one
 * WorkspaceEdit (one undo) or into the text a file would have.
 */
import * as vscode from 'vscode';
import type { PlannedPin } from '../../../server/src/lsp';

/** The pins of each file, in the order given (the server's: open documents first, then files in path order). */
export function pinsByFile(pins: readonly PlannedPin[]): Map<string, PlannedPin[]> {
  const files = new Map<string, PlannedPin[]>();
  for (const pin of pins) files.set(pin.uri, [...(files.get(pin.uri) ?? []), pin]);
  return files;
}

function rangeOf(pin: PlannedPin): vscode.Range {
  const { start, end } = pin.edit.range;
  return new vscode.Range(start.line, start.character, end.line, end.character);
}

/** What the pin adds to the image as written (`@sha256:6f1b6a3e1c6d…`), else the whole pinned image, its digest cut short. */
export function shortPinned(pin: PlannedPin): string {
  const shown = pin.pinned.startsWith(pin.image) ? pin.pinned.slice(pin.image.length) : pin.pinned;
  return shown.replace(/(sha256:[0-9a-f]{12})[0-9a-f]{52}/, '$1…');
}

/** The document's text with these pins applied. */
export function textWithPins(document: vscode.TextDocument, pins: readonly PlannedPin[]): string {
  const edits = pins.map((pin) => ({ start: document.offsetAt(rangeOf(pin).start), end: document.offsetAt(rangeOf(pin).end), text: pin.edit.newText }));
  let text = document.getText();
  for (const edit of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return text;
}

/**
 * Why the pins no longer fit the documents (one was edited since the server read it), or null: an
 * open document must be at the version the server pinned, and every edit must find the text it replaces.
 */
export function stalePins(pins: readonly PlannedPin[], documents: ReadonlyMap<string, vscode.TextDocument>): string | null {
  for (const pin of pins) {
    const document = documents.get(pin.uri);
    const path = document ? vscode.workspace.asRelativePath(document.uri) : pin.uri;
    if (!document || (pin.version !== null && document.version !== pin.version) || document.getText(rangeOf(pin)) !== pin.replaces) {
      return `${path} changed while the registries were asked`;
    }
  }
  return null;
}

/** One WorkspaceEdit for all the pins, so one undo takes them all back. */
export function pinEdit(pins: readonly PlannedPin[], documents: ReadonlyMap<string, vscode.TextDocument>): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const pin of pins) edit.replace(documents.get(pin.uri)?.uri ?? vscode.Uri.parse(pin.uri), rangeOf(pin), pin.edit.newText);
  return edit;
}
