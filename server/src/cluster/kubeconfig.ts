/**
 * Reads the kubeconfig the way kubectl does (client-go clientcmd's loader): KUBECONFIG is a list of
 * files (path.delimiter, empty and duplicate entries ignored, missing files skipped), else
 * ~/.kube/config. The first file that defines a cluster, user or context by name wins it whole
 * (later files' entries of that name are ignored, not merged), and the current context comes from
 * the first file that sets one.
 * client-node's own loadFromDefault differs on all three (later files override the current
 * context, a repeated name throws, a missing file throws), so each file is parsed by client-node
 * and merged here. An exec plugin's command with a path separator is relative to its own file's
 * folder, as clientcmd resolves it (client-node leaves it relative to the current folder).
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster as KubeCluster, Context as KubeContext, User as KubeUser } from '@kubernetes/client-node';
import { kubeconfigPaths } from './kubeconfigPaths';
import type { KubeconfigSources } from './kubeconfigPaths';
import { ClusterError } from './types';
import type { ContextInfo } from './types';

export { kubeconfigPaths } from './kubeconfigPaths';
export type { KubeconfigSources } from './kubeconfigPaths';

export interface Kubeconfig {
  /** The files that were read, in precedence order. */
  readonly files: readonly string[];
  readonly currentContext: string | null;
  readonly contexts: readonly ContextInfo[];
  /** The merged entries, in client-node's shape (with paths made absolute against their own file). */
  readonly entries: {
    readonly clusters: readonly KubeCluster[];
    readonly users: readonly KubeUser[];
    readonly contexts: readonly KubeContext[];
  };
}

function firstByName<T extends { readonly name: string }>(lists: readonly (readonly T[])[]): T[] {
  const byName = new Map<string, T>();
  for (const list of lists) for (const entry of list) if (!byName.has(entry.name)) byName.set(entry.name, entry);
  return [...byName.values()];
}

/** The user with its exec command made absolute against `folder` when it is a relative path (a bare name is looked up on PATH). */
function absoluteExecCommand(user: KubeUser, folder: string): KubeUser {
  const command: unknown = (user.exec as { command?: unknown } | undefined)?.command;
  if (typeof command !== 'string' || isAbsolute(command) || !(command.includes('/') || command.includes(sep))) return user;
  return { ...user, exec: { ...user.exec, command: resolve(folder, command) } };
}

function whereLooked(paths: readonly string[], fromEnv: boolean): string {
  return fromEnv ? `KUBECONFIG lists ${paths.join(', ')}` : `looked for ${paths[0]} (KUBECONFIG is not set)`;
}

function parseFile(file: string): KubeConfig {
  const config = new KubeConfig();
  try {
    // Entries without a name or server are dropped, as kubectl only complains about the one in use.
    config.loadFromFile(file, { onInvalidEntry: 'filter' });
  } catch (error) {
    // Only the first line: js-yaml quotes the lines around a syntax error after it, and in a
    // kubeconfig those can hold a token or a private key.
    const reason = String((error as Error).message).split('\n')[0];
    throw new ClusterError(`Could not read the kubeconfig ${file}: ${reason}`, 'failed');
  }
  return config;
}

export function readKubeconfig(sources: KubeconfigSources = {}): Kubeconfig {
  const { paths, fromEnv } = kubeconfigPaths(sources);
  const files = paths.filter((path) => existsSync(path));
  if (files.length === 0) {
    const hint = 'Create one (your cluster tool writes it, for example `kind create cluster`) or set KUBECONFIG.';
    throw new ClusterError(
      `No kubeconfig found: ${whereLooked(paths, fromEnv)}, and ${paths.length === 1 ? 'it does not exist' : 'none of them exists'}. ${hint}`,
      'no-kubeconfig',
    );
  }
  const configs = files.map(parseFile);
  const clusters = firstByName(configs.map((c) => c.clusters));
  const users = firstByName(configs.map((c, i) => c.users.map((user) => absoluteExecCommand(user, dirname(files[i])))));
  const contexts = firstByName(configs.map((c) => c.contexts));
  if (contexts.length === 0) {
    throw new ClusterError(`The kubeconfig defines no contexts: ${whereLooked(files, fromEnv)}.`, 'no-kubeconfig');
  }
  const currentContext = configs.map((c) => c.currentContext).find((name) => typeof name === 'string' && name !== '') ?? null;
  const infos = contexts.map((context) => ({
    name: context.name,
    cluster: context.cluster,
    server: clusters.find((c) => c.name === context.cluster)?.server ?? '',
    user: context.user,
    namespace: context.namespace || 'default',
  }));
  return { files, currentContext, contexts: infos, entries: { clusters, users, contexts } };
}
