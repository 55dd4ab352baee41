/**
 * Writes a pushed digest into the workspace: every container image and kustomize entry naming the
 * pushed repository and tag becomes `repo:tag@sha256:…`, or when pinned to another digest (an
 * earlier push) is re-pinned keeping its tag, through the engine's pushedPinEdits (the pin actions'
 * own edit code), as ONE WorkspaceEdit (one undo). The push has happened and cannot be taken back,
 * so the pin is saved too, in every file that had no unsaved changes; a file with unsaved changes
 * of the user's is pinned in the editor and left unsaved (saving it would save their half-done
 * edit), and the caller names it. Offsets are always taken against the text of the document the
 * edit is applied to.
 */
import * as vscode from 'vscode';
import { pushedPinEdits } from '../../../server/src/engine';
import type { PushedImage } from '../../../server/src/engine';
import type { Settings } from '../../../server/src/core';
import { analyzeDocument, workspaceManifests } from '../workspace/files';

export interface PinResult {
  readonly pinned: number;
  /** How many of the pinned fields named another digest before. */
  readonly repinned: number;
  readonly files: number;
  readonly applied: boolean;
  /** Fields whose pin was refused because the edit would not read back as the pinned image, with why. */
  readonly refused: readonly string[];
  /** Files pinned and saved (workspace-relative): they had no unsaved changes. */
  readonly saved: readonly string[];
  /** Files pinned in the editor but not saved: they had unsaved changes, or saving failed. */
  readonly unsaved: readonly string[];
}

export const NOTHING_PINNED: PinResult = { pinned: 0, repinned: 0, files: 0, applied: false, refused: [], saved: [], unsaved: [] };

/** Saves the open documents at these workspace-relative paths (the "Save All" of a push's notification). */
export async function saveDocuments(paths: readonly string[]): Promise<void> {
  const wanted = new Set(paths);
  await Promise.all(vscode.workspace.textDocuments.filter((d) => wanted.has(vscode.workspace.asRelativePath(d.uri)) && d.isDirty).map((d) => d.save()));
}

export async function pinPushedImage(pushed: PushedImage, settings: Settings): Promise<PinResult> {
  const manifests = await workspaceManifests(settings.maxFileSize);
  const hits = pushedPinEdits(
    manifests.map((file) => ({ id: file.uri, analysis: file.analysis })),
    pushed,
    settings.pin,
  );
  // Open every file first, then compute and apply the edits with no await in between: typing in
  // one document while a later one opens would otherwise shift the offsets computed for it.
  const documents = await Promise.all(hits.map((hit) => vscode.workspace.openTextDocument(hit.id)));
  // Whose unsaved changes a document holds is decided before the pin makes every one of them dirty.
  const dirtyBefore = new Set(documents.filter((d) => d.isDirty).map((d) => d.uri.toString()));
  const edited: vscode.TextDocument[] = [];
  const edit = new vscode.WorkspaceEdit();
  let pinned = 0;
  let repinned = 0;
  let files = 0;
  const refused: string[] = [];
  for (const document of documents) {
    // The file was read from disk a moment ago; now that it is open, pin its current text.
    const [current] = pushedPinEdits([{ id: document.uri, analysis: analyzeDocument(document, settings.maxFileSize) }], pushed, settings.pin);
    for (const { site, refusal } of current?.refused ?? [])
      refused.push(`${vscode.workspace.asRelativePath(document.uri)}: ${site.ref.input}: ${refusal.reason}`);
    if (!current || current.pins.length === 0) continue;
    for (const { edit: change } of current.pins) {
      edit.replace(document.uri, new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)), change.newText);
    }
    edited.push(document);
    pinned += current.pins.length;
    repinned += current.pins.filter((pin) => pin.site.ref.digest !== null).length;
    files++;
  }
  const applied = pinned > 0 && (await vscode.workspace.applyEdit(edit));
  if (!applied) return { ...NOTHING_PINNED, applied, refused };
  const saved: string[] = [];
  const unsaved: string[] = [];
  for (const document of edited) {
    const path = vscode.workspace.asRelativePath(document.uri);
    // Only files: saving an untitled document would open a Save As dialog in the middle of a command.
    const save = document.uri.scheme === 'file' && !dirtyBefore.has(document.uri.toString()) && (await document.save());
    (save ? saved : unsaved).push(path);
  }
  return { pinned, repinned, files, applied, refused, saved, unsaved };
}
