/**
 * Scan Image for Vulnerabilities: the server's command (lsp/handlers/scanImage.ts), which runs the
 * scanner and shows what it found. Run from the palette, it gets the image under the cursor of the
 * active editor; an argument object that names an image or a document is passed on as it is.
 */
import * as vscode from 'vscode';
import type { ScanImageArguments } from '../../../server/src/lsp';
import { argumentObject } from '../args';
import type { ServerCommandHandler } from '../languageServer';

export const scanImage: ServerCommandHandler = async ([argument], send) => {
  const given = argumentObject<ScanImageArguments>(argument);
  const editor = vscode.window.activeTextEditor;
  const { line, character } = editor?.selection.active ?? { line: 0, character: 0 };
  const filled: ScanImageArguments =
    given.image !== undefined || given.uri !== undefined || editor === undefined
      ? given
      : { ...given, uri: editor.document.uri.toString(), position: { line, character } };
  const cancel = new vscode.CancellationTokenSource();
  try {
    return await send(filled, cancel.token);
  } finally {
    cancel.dispose();
  }
};
