/**
 * "Scale": set a workload's replicas through its scale subresource, as `kubectl scale` does
 * (a merge patch of `{"spec":{"replicas":N}}` on .../scale), so it works for every kind that has one.
 */
import type { Cluster, ObjectRef, PatchOptions } from '../../cluster';
import { displayName } from './objects';

/** Scales; resolves with kubectl's line ("deployment.apps/web scaled"). */
export async function scale(ref: ObjectRef, replicas: number, cluster: Cluster, options: PatchOptions): Promise<string> {
  if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`Replicas must be a whole number of 0 or more, not ${replicas}.`);
  await cluster.scale(ref, replicas, options);
  return `${displayName(ref)} scaled${options.dryRun ? ' (server dry run)' : ''}`;
}
