/**
 * Switch Kubernetes Context and Namespace: a quick pick of the kubeconfig's contexts, then of the
 * namespaces the cluster lists (or an input box when it cannot be asked quickly: offline, or not
 * allowed to list namespaces). The choice is kept for this workspace only; the kubeconfig is not written.
 */
import * as vscode from 'vscode';
import type { ContextInfo, Kubeconfig } from '../../../server/src/cluster';
import { argumentObject } from '../args';
import { reportFailure } from '../ui/failures';
import type { Output } from '../ui/output';
import { ask, pick } from '../ui/pick';
import type { Choice } from '../ui/pick';
import { clusterAdapter } from './session';
import type { ClusterSession, TargetChoice } from './session';

export interface SwitchArguments {
  readonly context: string;
  readonly namespace: string;
}

const TITLE = 'Image Aware: Kubernetes Context and Namespace';
/** Listing namespaces is a convenience: a slow cluster must not hold the picker up. */
const LIST_TIMEOUT_MS = 3000;

async function listNamespaces(kubeconfig: Kubeconfig, context: ContextInfo): Promise<string[]> {
  const { createCluster } = await clusterAdapter();
  const cluster = await createCluster({ kubeconfig, context: context.name });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${context.server} did not answer within ${LIST_TIMEOUT_MS / 1000} s`)), LIST_TIMEOUT_MS);
  });
  try {
    const namespaces = await Promise.race([cluster.list('v1', 'Namespace', ''), timeout]);
    return namespaces
      .map((n) => n.metadata.name ?? '')
      .filter((name) => name !== '')
      .sort();
  } finally {
    clearTimeout(timer);
  }
}

async function pickNamespace(kubeconfig: Kubeconfig, context: ContextInfo, current: string): Promise<string | undefined> {
  let listed: string[];
  try {
    listed = await listNamespaces(kubeconfig, context);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const typed = await ask({ title: TITLE, prompt: `Namespace in "${context.name}" (the cluster could not list them: ${reason})`, value: current });
    return typed?.trim() || undefined;
  }
  const OTHER = Symbol('other');
  const choices: Choice<string | typeof OTHER>[] = [
    ...listed.map((name) => ({ label: name, description: name === current ? 'current' : undefined, value: name })),
    { label: '$(edit) Another namespace…', value: OTHER },
  ];
  const chosen = await pick(choices, { title: TITLE, placeHolder: `Namespace for objects without one, in "${context.name}"` });
  if (chosen !== OTHER) return chosen;
  const typed = await ask({ title: TITLE, prompt: `Namespace in "${context.name}"`, value: current });
  return typed?.trim() || undefined;
}

export function registerSwitchContext(session: ClusterSession, output: Output, subscriptions: vscode.Disposable[]): void {
  subscriptions.push(
    vscode.commands.registerCommand('imageAware.switchContext', async (value: unknown): Promise<TargetChoice | undefined> => {
      const arg = argumentObject<SwitchArguments>(value);
      try {
        const { readKubeconfig } = await clusterAdapter();
        const kubeconfig = readKubeconfig({ env: process.env });
        const active = session.choice().context ?? kubeconfig.currentContext;
        const name =
          arg.context ??
          (await pick(
            // The context in use comes first, so Enter keeps it and goes on to the namespace.
            [...kubeconfig.contexts]
              .sort((a, b) => Number(b.name === active) - Number(a.name === active))
              .map((c) => ({
                label: c.name,
                description: [
                  c.server,
                  ...(c.name === active ? ['in use'] : []),
                  ...(c.name === kubeconfig.currentContext ? ['kubeconfig current-context'] : []),
                ].join(' · '),
                detail: `cluster ${c.cluster}, user ${c.user}, namespace ${c.namespace}`,
                value: c.name,
              })),
            { title: TITLE, placeHolder: 'Which context should Apply, Set Image and Scale use in this workspace?' },
          ));
        if (name === undefined) return undefined;
        const context = kubeconfig.contexts.find((c) => c.name === name);
        if (!context) throw new Error(`The kubeconfig (${kubeconfig.files.join(', ')}) has no context "${name}".`);
        const chosenBefore = session.choice();
        const current = (chosenBefore.context === name && chosenBefore.namespace) || context.namespace;
        const namespace = arg.namespace ?? (await pickNamespace(kubeconfig, context, current));
        if (namespace === undefined) return undefined;
        const choice = { context: name, namespace };
        await session.choose(choice);
        return choice;
      } catch (error) {
        reportFailure('Switch Kubernetes Context', error, output);
        return undefined;
      }
    }),
  );
}
