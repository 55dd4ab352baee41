/**
 * After a workload changed: watch its rollout like `kubectl rollout status` (the engine's
 * watchRollout), with the latest status as progress and every line in the output channel. Pods
 * that cannot pull their image are error notifications naming the reason and the fix, because a
 * rollout stuck in ImagePullBackOff is otherwise silent until the timeout.
 */
import * as vscode from 'vscode';
import type { Cluster, ObjectRef } from '../../../server/src/cluster';
import { displayName, hasRolloutStatus, watchRollout } from '../../../server/src/engine';
import type { RolloutResult } from '../../../server/src/engine';
import { showError } from '../ui/confirm';
import type { Output } from '../ui/output';
import type { ReportProgress } from '../ui/progress';

export interface WatchedRollout extends RolloutResult {
  readonly ref: ObjectRef;
}

/** imageAware.apply.rolloutTimeoutSeconds in milliseconds; 0 means do not watch. */
function rolloutTimeoutMs(): number {
  const seconds = vscode.workspace.getConfiguration('imageAware.apply').get<number>('rolloutTimeoutSeconds', 300);
  return Math.max(0, seconds) * 1000;
}

/** Watches each workload in turn (those with a rollout status: Deployment, StatefulSet, DaemonSet). */
export async function watchRollouts(
  refs: readonly ObjectRef[],
  cluster: Cluster,
  output: Output,
  report: ReportProgress,
  signal: AbortSignal,
): Promise<WatchedRollout[]> {
  const timeoutMs = rolloutTimeoutMs();
  if (timeoutMs === 0) return [];
  const results: WatchedRollout[] = [];
  for (const ref of refs.filter(hasRolloutStatus)) {
    const name = displayName(ref);
    output.line(`Waiting for ${name} to roll out…`);
    const result = await watchRollout(ref, cluster, {
      timeoutMs,
      signal,
      output: (line) => {
        output.line(`${name}: ${line}`);
        report(`${name}: ${line}`);
      },
    });
    // One notification per container and cause, however many replicas fail the same way (one pod may
    // be in ErrImagePull while another backs off): it names the container as the manifest does, and
    // the first pod to describe; the output channel has each pod.
    const seen = new Set<string>();
    for (const failure of result.pullFailures) {
      const key = `${failure.container} ${failure.image} ${failure.cause}`;
      if (seen.has(key)) continue;
      seen.add(key);
      showError(`${name}: container "${failure.container}" of pod ${failure.pod} cannot pull ${failure.image} (${failure.reason}): ${failure.fix}`, output);
    }
    if (!result.done && result.pullFailures.length === 0) showError(`${name} did not roll out: ${result.message}`, output);
    results.push({ ref, ...result });
  }
  return results;
}
