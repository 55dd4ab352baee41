/**
 * Command arguments from tasks, keybindings, code lenses and tests: plain JSON, so a file can be
 * named by a vscode.Uri, a URI string, an absolute path or a path relative to the first workspace
 * folder. A command given an argument object asks nothing for the fields it sets.
 */
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';

export type FileArgument = string | vscode.Uri;

export function toUri(value: FileArgument): vscode.Uri {
  if (value instanceof vscode.Uri) return value;
  if (/^[a-z][\w+.-]+:\/\//i.test(value)) return vscode.Uri.parse(value, true);
  if (isAbsolute(value)) return vscode.Uri.file(value);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error(`"${value}" is relative, and no workspace folder is open to resolve it against.`);
  return vscode.Uri.joinPath(folder.uri, value);
}

/** The argument object a command was run with, or an empty one (from the palette, or a menu that passes a URI). */
export function argumentObject<T extends object>(value: unknown): Partial<T> {
  return value !== null && typeof value === 'object' && !(value instanceof vscode.Uri) && !Array.isArray(value) ? (value as Partial<T>) : {};
}
