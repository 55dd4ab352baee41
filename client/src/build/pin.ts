/**
 * Writes a pushed digest into the workspace: every container image and kustomize entry naming the
 * pushed repository and tag becomes `repo:tag@sha256:…`, or when pinned to another digest (an
 * earlier push) is re-pinned keeping its tag, through the engine's pushedPinEdits (the pin actions'
 * own edit code), as ONE WorkspaceEdit: one undo, and the files stay unsaved for review like the pin
 * actions leave them. Offsets are always taken against the text of the document the edit is applied to.
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
    pinned += current.pins.length;
    repinned += current.pins.filter((pin) => pin.site.ref.digest !== null).length;
    files++;
  }
  const applied = pinned > 0 && (await vscode.workspace.applyEdit(edit));
  return applied ? { pinned, repinned, files, applied, refused } : { pinned: 0, repinned: 0, files: 0, applied, refused };
}
