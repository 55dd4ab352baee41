// Installed by `npm run demo` beside the packaged extension (scripts/demo.mjs packages it): on the
// first load of the demo's window it opens the sample manifest and, beside it, the walkthrough of
// Image Aware Manifests. VS Code opens a walkthrough by itself only for an extension installed from
// the Marketplace in that window, and code-server takes no setting that names one. "First" is kept
// in this extension's global state, so a reload leaves the editors as the user arranged them.
const vscode = require('vscode');

const WALKTHROUGH = 'image-aware.image-aware-manifests#gettingStarted';
/** The demo's sample manifest, relative to the workspace folder (scripts/demo.mjs writes it). */
const MANIFEST = 'registry/deployment.yaml';
const OPENED = 'opened';

exports.activate = async (context) => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder || context.globalState.get(OPENED)) return;
  await context.globalState.update(OPENED, true);
  await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, MANIFEST), { preview: false });
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, true);
};
