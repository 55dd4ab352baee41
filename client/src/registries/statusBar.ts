/**
 * The "$(warning) 1 registry unreachable" status bar item: one entry per registry the open
 * documents name, from the server's imageAware/registryStatus notification, instead of a squiggle in
 * every file. The tooltip names each registry with its reason and when; clicking offers Retry per
 * registry, which runs imageAware.refreshRegistry { registry } (the server asks that registry again
 * for the documents that name it, and sends the new state). Hidden while every registry answers.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../../server/src/lsp';
import type { RefreshRegistryArguments, RegistryStatusEntry } from '../../../server/src/lsp';
import { pick } from '../ui/pick';
import { registryStatusText } from './statusText';
import type { RegistryStatusText } from './statusText';

/** In the palette only while a registry has a problem (package.json's `when`). */
const PROBLEMS_CONTEXT = 'imageAware.registryProblems';

export interface RegistryStatusBar {
  /** What the item shows ('' when hidden) and its tooltip, for tests. */
  readonly text: string;
  readonly tooltip: string;
  /** Takes the server's latest entries (imageAware/registryStatus). */
  update(entries: readonly RegistryStatusEntry[]): void;
}

export function registerRegistryStatusBar(subscriptions: vscode.Disposable[]): RegistryStatusBar {
  const item = vscode.window.createStatusBarItem('imageAware.registries', vscode.StatusBarAlignment.Left, 9);
  item.name = 'Image Aware: Registries';
  item.command = 'imageAware.retryRegistry';
  subscriptions.push(item);
  let shown: RegistryStatusText = registryStatusText([]);

  const retry = async (): Promise<void> => {
    const choices = shown.problems.map((entry) => ({
      label: `$(refresh) Retry ${entry.host}`,
      detail: entry.reason ?? undefined,
      value: entry.host,
    }));
    if (choices.length === 0) return;
    const registry = await pick(choices, { title: 'Ask a registry again', placeHolder: 'The registries that did not answer' });
    if (registry === undefined) return;
    await vscode.commands.executeCommand(COMMANDS.refreshRegistry, { registry } satisfies RefreshRegistryArguments);
  };
  subscriptions.push(vscode.commands.registerCommand('imageAware.retryRegistry', retry));

  return {
    get text() {
      return item.text;
    },
    get tooltip() {
      return shown.tooltip;
    },
    update(entries) {
      shown = registryStatusText(entries);
      item.text = shown.text;
      item.tooltip = shown.tooltip;
      // Retry is for registries with a problem; a registry low on pulls has nothing to retry.
      item.command = shown.problems.length > 0 ? 'imageAware.retryRegistry' : undefined;
      if (shown.text === '') item.hide();
      else item.show();
      void vscode.commands.executeCommand('setContext', PROBLEMS_CONTEXT, shown.problems.length > 0);
    },
  };
}
