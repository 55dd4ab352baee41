/**
 * What Apply does with a file that has unsaved changes is the user's choice, never made silently:
 * "Save and Apply" saves it first, so the cluster gets what the file holds on disk; "Apply the
 * Editor's Text" applies what the editor shows and leaves the file as it is. Tasks say which with
 * `dirty`; with `confirm: false` and no `dirty` the apply is refused, naming the argument. An
 * untitled document has nothing on disk: its text is what there is to apply.
 */
import * as vscode from 'vscode';
import { choose } from '../ui/confirm';

export type UnsavedChoice = 'save' | 'editor';

export interface UnsavedArguments {
  /** For a file with unsaved changes: 'save' saves it first, 'editor' applies the editor's text unsaved. */
  readonly dirty: UnsavedChoice;
  readonly confirm: boolean;
}

const SAVE = 'Save and Apply';
const EDITOR = "Apply the Editor's Text";

/** Resolves what to apply from `document`; false when the user cancelled. Throws when it may not ask and was not told. */
export async function settleUnsaved(document: vscode.TextDocument, arg: Partial<UnsavedArguments>): Promise<boolean> {
  if (arg.dirty !== undefined && arg.dirty !== 'save' && arg.dirty !== 'editor')
    throw new Error(`dirty is "save" or "editor", not ${JSON.stringify(arg.dirty)}.`);
  if (!document.isDirty || document.isUntitled) return true;
  const path = vscode.workspace.asRelativePath(document.uri);
  let choice = arg.dirty;
  if (choice === undefined) {
    if (arg.confirm === false) throw new Error(`${path} has unsaved changes: save it, or pass dirty: "save" or "editor".`);
    const chosen = await choose(
      `${path} has unsaved changes`,
      'Save it and apply the file, or apply the text in the editor and leave the file on disk as it is?',
      [SAVE, EDITOR],
    );
    if (chosen === undefined) return false;
    choice = chosen === SAVE ? 'save' : 'editor';
  }
  if (choice === 'save' && !(await document.save())) throw new Error(`${path} could not be saved, so nothing was applied.`);
  return true;
}
