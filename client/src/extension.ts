/**
 * The composition root: starts the language server for YAML and wires the editor commands to their
 * adapters. Every piece it creates is disposed with the extension. What activate returns is the
 * extension's API for tasks and tests: where the cluster commands would go now.
 */
import type { ExtensionContext } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { BuildCommands } from './build/commands';
import { registerCodeLenses } from './build/codeLens';
import { ClusterCommands } from './cluster/commands';
import { registerDiffView } from './ui/diffView';
import { ClusterSession } from './cluster/session';
import { registerNodePlatforms } from './cluster/nodePlatforms';
import { registerStatusBar } from './cluster/statusBar';
import type { StatusBar } from './cluster/statusBar';
import { registerSwitchContext } from './cluster/switchContext';
import { COMMANDS, NOTIFICATIONS } from '../../server/src/lsp';
import type { RegistryStatusParams } from '../../server/src/lsp';
import { registerRegistryStatusBar } from './registries/statusBar';
import type { RegistryStatusBar } from './registries/statusBar';
import { startLanguageServer } from './languageServer';
import { WorkspacePin } from './pin/workspacePin';
import { scanImage } from './scan/scanImage';
import { createOutput } from './ui/output';
import { abortRunningTasks } from './ui/progress';

export interface ImageAwareApi {
  readonly clusterStatus: StatusBar;
  readonly registryStatus: RegistryStatusBar;
}

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<ImageAwareApi> {
  const subscriptions = context.subscriptions;
  const output = createOutput(context);
  // Disposed on deactivation: builds, pushes and rollout watches still running stop with the window.
  subscriptions.push({ dispose: abortRunningTasks });
  new BuildCommands(output).register(subscriptions);
  registerCodeLenses(subscriptions);
  const session = new ClusterSession(context.workspaceState);
  subscriptions.push(session);
  const clusterStatus = registerStatusBar(session, subscriptions);
  registerSwitchContext(session, output, subscriptions);
  const diffView = registerDiffView(subscriptions);
  new ClusterCommands(session, output, diffView).register(subscriptions);
  const workspacePin = new WorkspacePin(output, diffView);
  const registryStatus = registerRegistryStatusBar(subscriptions);
  client = await startLanguageServer(
    context,
    { [COMMANDS.pinWorkspace]: ([argument], send) => workspacePin.run(argument, send), [COMMANDS.scanImage]: scanImage },
    { [NOTIFICATIONS.registryStatus]: (params) => registryStatus.update((params as RegistryStatusParams).registries) },
  );
  registerNodePlatforms(session, subscriptions);
  return { clusterStatus, registryStatus };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
