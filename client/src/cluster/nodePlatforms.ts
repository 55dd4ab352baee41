/**
 * Tells the language server the platforms of the nodes of the Kubernetes context picked for this workspace
 * (imageAware.nodePlatforms), the targets of platform-missing when imageAware.platforms.targets names none.
 * Only a context the user picked here counts (Switch Kubernetes Context and Namespace), never the
 * kubeconfig's current one by itself, so opening a folder lists no cluster's nodes. Sent at start and on each
 * pick; the nodes are listed read-only, kept ten minutes per context (engine nodePlatforms), and a cluster that
 * cannot answer within LIST_TIMEOUT_MS gives no platforms.
 */
import * as vscode from 'vscode';
import { NodePlatformsCache, systemClock } from '../../../server/src/engine';
import { COMMANDS } from '../../../server/src/lsp';
import type { NodePlatformsArguments } from '../../../server/src/lsp';
import type { ClusterSession } from './session';

const LIST_TIMEOUT_MS = 5000;

async function platformsOf(session: ClusterSession, cache: NodePlatformsCache): Promise<NodePlatformsArguments> {
  if (session.choice().context === null) return { context: '', platforms: [] };
  const cluster = await session.connect();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), LIST_TIMEOUT_MS);
  });
  try {
    const targets = await Promise.race([cache.get(cluster), timeout]);
    return { context: cluster.context.name, platforms: targets?.platforms ?? [] };
  } finally {
    clearTimeout(timer);
  }
}

export function registerNodePlatforms(session: ClusterSession, subscriptions: vscode.Disposable[]): void {
  const cache = new NodePlatformsCache(systemClock);
  let latest = 0;
  const send = async (): Promise<void> => {
    const sending = ++latest;
    const argument = await platformsOf(session, cache).catch((): NodePlatformsArguments => ({ context: '', platforms: [] }));
    if (sending === latest) await vscode.commands.executeCommand(COMMANDS.nodePlatforms, argument);
  };
  subscriptions.push(session.onDidChange(() => void send()));
  void send();
}
