/**
 * The "$(cloud) context/namespace" status bar item: where the cluster commands would apply now.
 * It reads the kubeconfig again whenever one of the files kubectl would read changes (a `kubectl
 * config use-context` in a terminal, a new kind cluster) and when the pick for this workspace
 * changes. Without any kubeconfig it stays hidden: people who never use a cluster see nothing.
 */
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { kubeconfigPaths } from '../../../server/src/cluster';
import { asClusterError } from '../../../server/src/engine';
import type { ClusterSession } from './session';

export interface StatusBar {
  /** What the item shows ('' when hidden), for tasks and tests that check where commands will go. */
  readonly text: string;
}

export function registerStatusBar(session: ClusterSession, subscriptions: vscode.Disposable[]): StatusBar {
  const item = vscode.window.createStatusBarItem('imageAware.cluster', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Image Aware: Kubernetes Context';
  item.command = 'imageAware.switchContext';
  subscriptions.push(item);

  // Reading the kubeconfig is async (the cluster adapter loads on first use, just after activation);
  // when changes come quickly, only the latest reading is shown.
  let latest = 0;
  const update = async (): Promise<void> => {
    const reading = ++latest;
    try {
      const { context, namespace } = await session.target();
      if (reading !== latest) return;
      item.text = `$(cloud) ${context.name}/${namespace}`;
      item.tooltip =
        `Kubernetes context "${context.name}" (${context.server}), namespace ` + `"${namespace}": where Apply, Set Image and Scale go. Click to switch.`;
      item.show();
    } catch (error) {
      if (reading !== latest) return;
      // By name: readKubeconfig's ClusterError comes from the adapter's own bundle (dist/cluster.js).
      if (asClusterError(error)?.code === 'no-kubeconfig') {
        item.text = '';
        item.hide();
        return;
      }
      item.text = '$(cloud) $(warning) kubeconfig';
      item.tooltip = error instanceof Error ? error.message : String(error);
      item.show();
    }
  };

  // Each file KUBECONFIG lists (or ~/.kube/config), watched by name in its folder so that creating
  // it counts as well; VS Code watches folders outside the workspace when given a RelativePattern.
  for (const path of kubeconfigPaths({ env: process.env }).paths) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(path)), basename(path)));
    watcher.onDidChange(update);
    watcher.onDidCreate(update);
    watcher.onDidDelete(update);
    subscriptions.push(watcher);
  }
  subscriptions.push(session.onDidChange(update));
  void update();
  return {
    get text() {
      return item.text;
    },
  };
}
