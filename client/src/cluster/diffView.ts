/**
 * Read-only virtual documents for the apply preview: the live object on the left, what the server's
 * dry run says it would become on the right, in VS Code's own diff editor. The texts live here only
 * while a tab shows them; a counter in each URI keeps an old preview from being served again.
 */
import * as vscode from 'vscode';

const SCHEME = 'image-aware-preview';

export interface DiffView {
  /** Opens one diff tab. `name` names the object ("deployment.apps/web in default"). */
  show(name: string, live: string, proposed: string, preview: boolean): Promise<void>;
}

export function registerDiffView(subscriptions: vscode.Disposable[]): DiffView {
  const texts = new Map<string, string>();
  let counter = 0;
  subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { provideTextDocumentContent: (uri) => texts.get(uri.toString()) ?? '' }),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme === SCHEME) texts.delete(document.uri.toString());
    }),
  );
  const uriFor = (side: string, name: string, text: string): vscode.Uri => {
    // The path ends in .yaml so the diff editor colours it as YAML.
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${side}/${name.replace(/[^\w.-]+/g, '_')}.yaml`, query: String(++counter) });
    texts.set(uri.toString(), text);
    return uri;
  };
  return {
    async show(name, live, proposed, preview) {
      const left = uriFor('live', name, live);
      const right = uriFor('dry-run', name, proposed);
      const title = `${name}: live ↔ after apply (server dry run)`;
      await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview, preserveFocus: false });
    },
  };
}
