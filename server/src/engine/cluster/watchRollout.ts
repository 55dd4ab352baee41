/**
 * Follows a rollout the way `kubectl rollout status` does: watches the workload, lists its pods on
 * every event and on a timer (and the events of a pod whose pull failure has no cause yet), prints
 * what changed, and stops when the rollout is done or failed, a pull failure persists, time runs
 * out, or the signal aborts.
 */
import type { Cluster, KubeObject, ObjectRef } from '../../cluster';
import { systemClock } from '../clock';
import type { Clock } from '../clock';
import { record } from '../../core/json';
import { pullFailedEvents, pullFailures } from './pullFailures';
import type { PullFailure } from './pullFailures';
import { rolloutStatus } from './rolloutStatus';
import { selectorString } from './selector';

export interface WatchRolloutOptions {
  readonly output: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  /** How often pods are listed besides on every event of the workload. */
  readonly pollMs?: number;
  /** How long a pull failure may last before watching stops (ErrImageNeverPull and InvalidImageName stop at once). */
  readonly pullFailureMs?: number;
  readonly clock?: Clock;
}

export interface RolloutResult {
  readonly done: boolean;
  readonly message: string;
  readonly pullFailures: readonly PullFailure[];
}

const NEVER_HEALS = new Set(['ErrImageNeverPull', 'InvalidImageName']);

function failureKey(failure: PullFailure): string {
  return `${failure.pod}/${failure.container}`;
}

/**
 * What the watch knows of pull failures across pod listings: a later "Back-off pulling image"
 * without a reason keeps the cause an earlier ErrImagePull gave, each failure is printed once per
 * pod, container and cause, and how long each has lasted.
 */
class PullFailureLog {
  private readonly known = new Map<string, PullFailure>();
  private readonly firstSeen = new Map<string, number>();
  private readonly printed = new Set<string>();

  /** The failures with the causes seen earlier kept where the kubelet's message now names none. */
  remember(found: readonly PullFailure[]): PullFailure[] {
    return found.map((failure) => {
      const before = this.known.get(failureKey(failure));
      const kept = failure.cause === 'unknown' && before && before.image === failure.image ? { ...failure, cause: before.cause, fix: before.fix } : failure;
      this.known.set(failureKey(failure), kept);
      return kept;
    });
  }

  /** Records the failures of one listing at `now`, printing the new ones; returns one that persisted past `pullFailureMs`. */
  observe(failures: readonly PullFailure[], now: number, pullFailureMs: number, output: (line: string) => void): PullFailure | undefined {
    const active = new Set(failures.map(failureKey));
    for (const key of [...this.firstSeen.keys()]) if (!active.has(key)) this.firstSeen.delete(key);
    for (const failure of failures) {
      const key = failureKey(failure);
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, now);
      const printedKey = `${key} ${failure.cause}`;
      if (this.printed.has(printedKey)) continue;
      this.printed.add(printedKey);
      output(`${failure.pod} ${failure.container}: ${failure.reason} ${failure.image}: ${failure.fix}`);
    }
    return failures.find((f) => NEVER_HEALS.has(f.reason) || now - (this.firstSeen.get(failureKey(f)) ?? now) >= pullFailureMs);
  }
}

/** One watch of one workload; `run` resolves once, with the result or the first error. */
class RolloutWatch {
  private readonly stop = new AbortController();
  private readonly clock: Clock;
  private readonly pollMs: number;
  private readonly pullFailureMs: number;
  private readonly log = new PullFailureLog();
  private cancelPoll: () => void = () => undefined;
  private cancelTimeout: () => void = () => undefined;
  private cancelRewatch: () => void = () => undefined;
  private current: KubeObject | null = null;
  private lastMessage = '';
  private failures: PullFailure[] = [];
  private polling = false;
  private pollAgain = false;
  private settle: (result: RolloutResult) => void = () => undefined;
  private fail: (error: unknown) => void = () => undefined;

  constructor(
    private readonly ref: ObjectRef,
    private readonly cluster: Cluster,
    private readonly options: WatchRolloutOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.pollMs = options.pollMs ?? 2000;
    this.pullFailureMs = options.pullFailureMs ?? 20_000;
  }

  async run(): Promise<RolloutResult> {
    const outer = this.options.signal;
    if (outer?.aborted) throw outer.reason;
    const finished = new Promise<RolloutResult>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
    const onAbort = (): void => {
      this.stop.abort(outer?.reason);
      this.fail(outer?.reason);
    };
    outer?.addEventListener('abort', onAbort, { once: true });
    this.schedulePoll();
    this.cancelTimeout = this.clock.after(this.options.timeoutMs, () => this.timedOut());
    this.watchLoop().catch((error: unknown) => this.failUnlessStopped(error));
    try {
      return await finished;
    } finally {
      this.cancelPoll();
      this.cancelTimeout();
      this.cancelRewatch();
      outer?.removeEventListener('abort', onAbort);
      this.stop.abort();
    }
  }

  private finish(result: RolloutResult): void {
    this.stop.abort();
    this.settle(result);
  }

  private failUnlessStopped(error: unknown): void {
    if (!this.stop.signal.aborted) this.fail(error);
  }

  private say(message: string): void {
    if (message === this.lastMessage) return;
    this.lastMessage = message;
    this.options.output(message);
  }

  private timedOut(): void {
    const waited = `timed out after ${this.options.timeoutMs / 1000}s`;
    const message = this.lastMessage ? `${waited}: ${this.lastMessage}` : `${waited} waiting for ${this.ref.kind} "${this.ref.name}"`;
    this.finish({ done: false, message, pullFailures: this.failures });
  }

  private schedulePoll(): void {
    this.cancelPoll = this.clock.after(this.pollMs, () => {
      this.poll();
      if (!this.stop.signal.aborted) this.schedulePoll();
    });
  }

  /** The server ends a watch now and then (its timeout, a resourceVersion too old): watch again, gently. */
  private async watchLoop(): Promise<void> {
    while (!this.stop.signal.aborted) {
      await this.cluster.watch(this.ref, (event) => this.onEvent(event.type, event.object), this.stop.signal);
      if (!this.stop.signal.aborted) await new Promise<void>((resolve) => (this.cancelRewatch = this.clock.after(Math.min(this.pollMs, 1000), resolve)));
    }
  }

  private onEvent(type: string, object: KubeObject): void {
    if (this.stop.signal.aborted) return;
    if (type === 'DELETED') {
      this.finish({ done: false, message: `${object.kind} "${this.ref.name}" was deleted`, pullFailures: this.failures });
      return;
    }
    this.current = object;
    const status = rolloutStatus(object);
    this.say(status.message);
    if (status.done || status.failed) this.finish({ done: status.done && !status.failed, message: status.message, pullFailures: this.failures });
    else this.poll();
  }

  /**
   * One listing at a time; a poll asked for during one runs again after it, so every event of the
   * workload is followed by a listing that started after it (a short-lived ErrImagePull is not missed).
   */
  private poll(): void {
    if (this.stop.signal.aborted) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = true;
    this.checkPods()
      .catch((error: unknown) => this.failUnlessStopped(error))
      .finally(() => {
        this.polling = false;
        if (this.pollAgain) {
          this.pollAgain = false;
          this.poll();
        }
      });
  }

  private async checkPods(): Promise<void> {
    if (this.current === null) return;
    const selector = selectorString(record(this.current.spec).selector);
    if (selector === '') return;
    const namespace = this.current.metadata.namespace ?? this.ref.namespace ?? this.cluster.context.namespace;
    const pods = (await this.cluster.list('v1', 'Pod', namespace, { labelSelector: selector })).filter((pod) => !pod.metadata.deletionTimestamp);
    if (this.stop.signal.aborted) return;
    this.failures = this.log.remember(pullFailures(pods));
    const unexplained = this.failures.filter((f) => f.cause === 'unknown');
    if (unexplained.length > 0) {
      const events = await pullFailedEvents(this.cluster, unexplained);
      if (this.stop.signal.aborted) return;
      this.failures = this.log.remember(pullFailures(pods, events));
    }
    const stuck = this.log.observe(this.failures, this.clock.now(), this.pullFailureMs, this.options.output);
    if (stuck) this.finish({ done: false, message: `${stuck.pod} cannot pull ${stuck.image} (${stuck.reason}): ${stuck.fix}`, pullFailures: this.failures });
  }
}

/** Watches a workload's rollout until it is done, fails, stalls on a pull failure or times out. */
export function watchRollout(ref: ObjectRef, cluster: Cluster, options: WatchRolloutOptions): Promise<RolloutResult> {
  return new RolloutWatch(ref, cluster, options).run();
}
