/**
 * The manifest a cluster command works on: a file named by the argument, else the active editor's
 * document, read with its unsaved edits (what the user sees is what gets applied), and the object
 * at a position (the argument's, else the cursor).
 */
import * as vscode from 'vscode';
import { manifestObjects } from '../../../server/src/engine';
import type { ManifestObject } from '../../../server/src/engine';
import { toUri } from '../args';
import type { FileArgument } from '../args';

export interface ManifestArguments {
  readonly uri: FileArgument;
  /** 0-based, as in the VS Code API; the cursor's by default. */
  readonly position: { readonly line: number; readonly character: number };
}

export interface OpenManifest {
  readonly document: vscode.TextDocument;
  readonly offset: number;
}

export async function openManifest(arg: Partial<ManifestArguments>): Promise<OpenManifest> {
  const editor = vscode.window.activeTextEditor;
  const document = arg.uri !== undefined ? await vscode.workspace.openTextDocument(toUri(arg.uri)) : editor?.document;
  if (!document) throw new Error('Open a Kubernetes manifest first (or pass its uri).');
  const position = arg.position
    ? new vscode.Position(arg.position.line, arg.position.character)
    : editor?.document === document
      ? editor.selection.active
      : new vscode.Position(0, 0);
  return { document, offset: document.offsetAt(position) };
}

/** The objects to apply from a file, or an error naming the first document that is not one (kubectl refuses the whole file too). */
export function applicableObjects(objects: readonly ManifestObject[], document: vscode.TextDocument): readonly ManifestObject[] {
  const broken = objects.find((o) => o.object === null);
  if (broken) throw new Error(`${vscode.workspace.asRelativePath(document.uri)} line ${document.positionAt(broken.start).line + 1}: ${broken.problem}`);
  return objects;
}

/** The objects of the YAML document at `offset` (a List document has several). */
export function objectsAt(document: vscode.TextDocument, offset: number): ManifestObject[] {
  const all = manifestObjects(document.getText());
  const index = all.find((o) => o.start <= offset && offset <= o.end)?.index;
  return index === undefined ? [] : all.filter((o) => o.index === index);
}
