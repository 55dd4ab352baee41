/**
 * The platforms a cluster's nodes run: the `kubernetes.io/os` and `kubernetes.io/arch` labels the
 * kubelet sets on every node, read with one list of nodes (read-only, at most MAX_NODES of them),
 * kept per context for TTL_MS so diagnostics do not list nodes on every keystroke. A label value
 * that is not a plain name is left out; a cluster that cannot be asked gives no targets.
 */
import type { PlatformTargets } from '../../core';
import { platformTargets } from '../../core';
import type { Cluster } from '../../cluster';
import type { Clock } from '../clock';

/** Nodes read per list: more than enough to see every platform of any cluster. */
export const MAX_NODES = 500;

/** How long one context's answer is kept. */
export const TTL_MS = 10 * 60 * 1000;

/** The distinct `os/arch` of the nodes listed, as targets whose source names the context. */
export async function nodePlatforms(cluster: Cluster): Promise<PlatformTargets | null> {
  const nodes = await cluster.list('v1', 'Node', '', { limit: MAX_NODES });
  const platforms = nodes.slice(0, MAX_NODES).map((node) => {
    const labels = node.metadata.labels ?? {};
    return `${String(labels['kubernetes.io/os'])}/${String(labels['kubernetes.io/arch'])}`;
  });
  return platformTargets(platforms, `the nodes of ${cluster.context.name}`);
}

/** nodePlatforms kept per context for TTL_MS; a failure is kept too (as no targets), so a down cluster is not asked on every change. */
export class NodePlatformsCache {
  private readonly entries = new Map<string, { readonly at: number; readonly targets: Promise<PlatformTargets | null> }>();

  constructor(private readonly clock: Clock) {}

  get(cluster: Cluster): Promise<PlatformTargets | null> {
    const key = cluster.context.name;
    const kept = this.entries.get(key);
    if (kept && this.clock.now() - kept.at < TTL_MS) return kept.targets;
    const targets = nodePlatforms(cluster).catch(() => null);
    // One context at a time is picked; the others' answers are not worth keeping.
    this.entries.clear();
    this.entries.set(key, { at: this.clock.now(), targets });
    return targets;
  }
}
