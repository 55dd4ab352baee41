/**
 * Previews in VS Code's own diff editor: read-only virtual documents (the live object and the
 * server's dry run of an apply, a file with its pins), shown beside each other or beside a file.
 * A flow opens its diffs through a DiffTabs of its own and closes them when it ends: only the tabs
 * it opened, wherever they were moved, never one the user or another flow opened. The texts live
 * here only while a tab shows them; a counter in each URI keeps an old preview from being served again.
 */
import * as vscode from 'vscode';

const SCHEME = 'image-aware-preview';

/** A text to show: `side` and `name` make its path ("dry-run/deployment.apps_web"), which the tab's tooltip shows. */
export interface PreviewText {
  readonly side: string;
  readonly name: string;
  readonly text: string;
}

export interface DiffTabs {
  /** Opens one diff tab: `left` a document (a file) or a text, `right` a text. */
  show(
    title: string,
    left: vscode.Uri | PreviewText,
    right: PreviewText,
    options: { readonly preview: boolean; readonly preserveFocus: boolean },
  ): Promise<void>;
  /** Closes the tabs these diffs are still open in. */
  close(): Promise<void>;
}

export interface DiffView {
  /** A set of diff tabs for one run of a flow. */
  tabs(): DiffTabs;
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
  const uriFor = ({ side, name, text }: PreviewText): vscode.Uri => {
    // The path ends in .yaml so the diff editor colours it as YAML.
    const file = name.replace(/[^\w.-]+/g, '_').replace(/(\.ya?ml)?$/, (extension) => extension || '.yaml');
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${side}/${file}`, query: String(++counter) });
    texts.set(uri.toString(), text);
    return uri;
  };
  return {
    tabs() {
      const opened = new Set<string>();
      return {
        async show(title, left, right, options) {
          const rightUri = uriFor(right);
          opened.add(rightUri.toString());
          await vscode.commands.executeCommand('vscode.diff', left instanceof vscode.Uri ? left : uriFor(left), rightUri, title, options);
        },
        async close() {
          const tabs = vscode.window.tabGroups.all
            .flatMap((group) => group.tabs)
            .filter((tab) => tab.input instanceof vscode.TabInputTextDiff && opened.has(tab.input.modified.toString()));
          opened.clear();
          if (tabs.length > 0) await vscode.window.tabGroups.close(tabs);
        },
      };
    },
  };
}
