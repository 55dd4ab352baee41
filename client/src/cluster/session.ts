/**
 * Which cluster the commands talk to: the kubeconfig read the way kubectl reads it (KUBECONFIG,
 * else ~/.kube/config, on every use, so edits to those files count at once), plus the context and
 * namespace the user picked for this workspace. The pick is kept in workspaceState: the kubeconfig
 * is never written, so switching here does not switch kubectl in a terminal.
 */
import * as vscode from 'vscode';
import type { Cluster, ContextInfo, Kubeconfig } from '../../../server/src/cluster';
import { ClusterError } from '../../../server/src/cluster';

/** A context and namespace picked for this workspace; null means "what the kubeconfig says". */
export interface TargetChoice {
  readonly context: string | null;
  readonly namespace: string | null;
}

/** The context in effect and the namespace objects without one go to. */
export interface Target {
  readonly kubeconfig: Kubeconfig;
  readonly context: ContextInfo;
  readonly namespace: string;
}

const STATE_KEY = 'imageAware.cluster.target';

type ClusterAdapter = typeof import('../../../server/src/cluster/adapter.js');
let adapter: Promise<ClusterAdapter> | undefined;

/**
 * createCluster and readKubeconfig, loaded on first use: scripts/build.mjs bundles them apart
 * (dist/cluster.js), so activation does not load @kubernetes/client-node. The one way the
 * extension reaches it.
 */
export function clusterAdapter(): Promise<ClusterAdapter> {
  adapter ??= import('../../../server/src/cluster/adapter.js');
  return adapter;
}

export class ClusterSession implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the pick changes (the kubeconfig files are watched by the status bar). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  choice(): TargetChoice {
    return this.state.get<TargetChoice>(STATE_KEY) ?? { context: null, namespace: null };
  }

  async choose(choice: TargetChoice): Promise<void> {
    await this.state.update(STATE_KEY, choice);
    this.changed.fire();
  }

  /**
   * The target as of now. A picked context the kubeconfig no longer has falls back to its current
   * context (and the picked namespace with it), like a deleted kind cluster would in kubectl.
   */
  async target(): Promise<Target> {
    const { readKubeconfig } = await clusterAdapter();
    const kubeconfig = readKubeconfig({ env: process.env });
    const choice = this.choice();
    const picked = choice.context === null ? undefined : kubeconfig.contexts.find((c) => c.name === choice.context);
    const name = picked?.name ?? kubeconfig.currentContext;
    const context = kubeconfig.contexts.find((c) => c.name === name);
    if (!context) {
      const files = kubeconfig.files.join(', ');
      throw new ClusterError(
        name === null
          ? `The kubeconfig (${files}) sets no current-context: pick one with "Image Aware: Switch Kubernetes Context and Namespace".`
          : `The kubeconfig (${files}) has no context "${name}".`,
        'no-context',
      );
    }
    const namespace = picked && choice.namespace !== null ? choice.namespace : context.namespace;
    return { kubeconfig, context, namespace };
  }

  /** A client for the target; throws a ClusterError (no-kubeconfig, no-context) before any request. */
  async connect(): Promise<Cluster> {
    const { kubeconfig, context, namespace } = await this.target();
    const { createCluster } = await clusterAdapter();
    return createCluster({ kubeconfig, context: context.name, namespace });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
