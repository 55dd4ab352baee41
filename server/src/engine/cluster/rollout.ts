/**
 * Follows a rollout the way `kubectl rollout status` does, and says why pods cannot pull their image.
 * rolloutStatus is kubectl's status viewers (kubectl/pkg/polymorphichelpers/rollout_status.go) for
 * Deployment, StatefulSet and DaemonSet, with the same messages. pullFailures reads the kubelet's
 * waiting reasons of every container (init containers too) and turns its message into a cause and a
 * fix; a back-off's message names no cause, so then the kubelet's newest "Failed to pull image"
 * event for that container is read instead. watchRollout watches the workload, lists its pods on
 * every event and on a timer (and the events of a pod whose pull failure has no cause yet), prints
 * what changed, and stops when the rollout is done or failed, a pull failure persists, time runs
 * out, or the signal aborts.
 */
import { apiGroup } from '../../core/manifest/workloadKinds';
import { parseReference } from '../../core/reference/reference';
import type { Cluster, KubeObject, ObjectRef } from '../../cluster/types';
import { record } from './objects';
import type { Fields } from './objects';

export interface RolloutStatus {
  /** The rollout finished (kubectl exits 0). */
  readonly done: boolean;
  /** The rollout cannot finish as it is (kubectl exits with an error), e.g. ProgressDeadlineExceeded. */
  readonly failed: boolean;
  readonly message: string;
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function optionalNum(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function waiting(message: string): RolloutStatus {
  return { done: false, failed: false, message };
}

const ROLLING_UPDATE = 'RollingUpdate';

function deploymentStatus(name: string, generation: number, spec: Fields, status: Fields): RolloutStatus {
  if (generation > num(status.observedGeneration)) return waiting('Waiting for deployment spec update to be observed...');
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(record) : [];
  const progressing = conditions.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { done: false, failed: true, message: `deployment "${name}" exceeded its progress deadline` };
  const replicas = optionalNum(spec.replicas);
  const updated = num(status.updatedReplicas);
  if (replicas !== null && updated < replicas) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`);
  }
  if (num(status.replicas) > updated) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${num(status.replicas) - updated} old replicas are pending termination...`);
  }
  if (num(status.availableReplicas) < updated) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${num(status.availableReplicas)} of ${updated} updated replicas are available...`);
  }
  return { done: true, failed: false, message: `deployment "${name}" successfully rolled out` };
}

/** The API server defaults updateStrategy.type to RollingUpdate; a plain object without one reads the same. */
function strategyType(spec: Fields): string {
  const type = record(spec.updateStrategy).type;
  return typeof type === 'string' ? type : ROLLING_UPDATE;
}

function onlyRollingUpdate(): RolloutStatus {
  return { done: true, failed: true, message: `rollout status is only available for ${ROLLING_UPDATE} strategy type` };
}

function daemonSetStatus(name: string, generation: number, spec: Fields, status: Fields): RolloutStatus {
  if (strategyType(spec) !== ROLLING_UPDATE) return onlyRollingUpdate();
  if (generation > num(status.observedGeneration)) return waiting('Waiting for daemon set spec update to be observed...');
  const desired = num(status.desiredNumberScheduled);
  const updated = num(status.updatedNumberScheduled);
  if (updated < desired) return waiting(`Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`);
  const available = num(status.numberAvailable);
  if (available < desired) return waiting(`Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`);
  return { done: true, failed: false, message: `daemon set "${name}" successfully rolled out` };
}

function statefulSetStatus(generation: number, spec: Fields, status: Fields): RolloutStatus {
  if (strategyType(spec) !== ROLLING_UPDATE) return onlyRollingUpdate();
  const observed = num(status.observedGeneration);
  if (observed === 0 || generation > observed) return waiting('Waiting for statefulset spec update to be observed...');
  const replicas = optionalNum(spec.replicas);
  const ready = num(status.readyReplicas);
  if (replicas !== null && ready < replicas) return waiting(`Waiting for ${replicas - ready} pods to be ready...`);
  const updated = num(status.updatedReplicas);
  const rollingUpdate = record(spec.updateStrategy).rollingUpdate;
  if (rollingUpdate !== undefined && rollingUpdate !== null) {
    const partition = optionalNum(record(rollingUpdate).partition);
    if (replicas !== null && partition !== null && updated < replicas - partition) {
      return waiting(`Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`);
    }
    return { done: true, failed: false, message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (status.updateRevision !== status.currentRevision) {
    return waiting(`waiting for statefulset rolling update to complete ${updated} pods at revision ${String(status.updateRevision ?? '')}...`);
  }
  return { done: true, failed: false, message: `statefulset rolling update complete ${num(status.currentReplicas)} pods at revision ${String(status.currentRevision ?? '')}...` };
}

const VIEWERS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['apps', 'extensions'],
  DaemonSet: ['apps', 'extensions'],
  StatefulSet: ['apps'],
};

/** Whether kubectl has a rollout status for this kind. */
export function hasRolloutStatus(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): boolean {
  return VIEWERS[ref.kind]?.includes(apiGroup(ref.apiVersion)) ?? false;
}

export function rolloutStatus(object: KubeObject): RolloutStatus {
  const name = object.metadata.name ?? '';
  const generation = object.metadata.generation ?? 0;
  const spec = record(object.spec);
  const status = record(object.status);
  if (!hasRolloutStatus(object)) {
    return { done: false, failed: true, message: `no status viewer has been implemented for ${object.kind}.${apiGroup(object.apiVersion)}` };
  }
  if (object.kind === 'Deployment') return deploymentStatus(name, generation, spec, status);
  if (object.kind === 'DaemonSet') return daemonSetStatus(name, generation, spec, status);
  return statefulSetStatus(generation, spec, status);
}

export type PullFailureCause = 'tag-not-found' | 'unauthorized' | 'never' | 'invalid' | 'unreachable' | 'unknown';

export interface PullFailure {
  readonly pod: string;
  readonly namespace: string;
  readonly container: string;
  readonly image: string;
  /** The kubelet's waiting reason: ErrImagePull, ImagePullBackOff, ErrImageNeverPull or InvalidImageName. */
  readonly reason: string;
  /** The kubelet's message as it is. */
  readonly message: string;
  readonly cause: PullFailureCause;
  /** What is wrong and what to do, for people. */
  readonly fix: string;
}

const PULL_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'ErrImageNeverPull', 'InvalidImageName']);

// Checked in this order: "pull access denied, repository does not exist or may require
// authorization" is an authorization answer (Docker Hub gives it for missing repositories too).
const UNAUTHORIZED = /\b401\b|\b403\b|unauthori[sz]ed|denied|forbidden|authorization|authentication required|no basic auth credentials/i;
const UNREACHABLE = /no such host|connection refused|i\/o timeout|dial tcp|x509|certificate|server gave HTTP response to HTTPS client|network is unreachable|TLS handshake/i;
const NOT_FOUND = /not found|manifest unknown|NotFound|name unknown/i;

function classify(reason: string, message: string): PullFailureCause {
  if (reason === 'ErrImageNeverPull') return 'never';
  if (reason === 'InvalidImageName') return 'invalid';
  if (UNAUTHORIZED.test(message)) return 'unauthorized';
  if (UNREACHABLE.test(message)) return 'unreachable';
  if (NOT_FOUND.test(message)) return 'tag-not-found';
  return 'unknown';
}

interface ImageParts {
  readonly domain: string;
  readonly repository: string;
  readonly version: string;
}

function imageParts(image: string): ImageParts {
  const parsed = parseReference(image);
  if (!parsed.ok) return { domain: 'its registry', repository: image, version: `"${image}"` };
  const ref = parsed.value;
  const version = ref.digest !== null ? `digest ${ref.digest}` : `tag "${ref.tag ?? 'latest'}"`;
  return { domain: ref.domain, repository: `${ref.domain}/${ref.path}`, version };
}

function fixFor(cause: PullFailureCause, image: string, pullSecrets: readonly string[], pod: string, namespace: string): string {
  const parts = imageParts(image);
  switch (cause) {
    case 'tag-not-found':
      return `The ${parts.version} of ${parts.repository} does not exist in ${parts.domain}: push it or fix the tag.`;
    case 'unauthorized':
      return pullSecrets.length === 0
        ? `${parts.domain} refused the pull without credentials: add imagePullSecrets (a docker-registry Secret for ${parts.domain}) to the pod spec or its service account, or check the repository name.`
        : `${parts.domain} refused the credentials of imagePullSecrets ${pullSecrets.map((s) => `"${s}"`).join(', ')}: check that the Secret holds credentials for ${parts.domain} that may pull ${parts.repository}.`;
    case 'never':
      return `The image is not on the node and imagePullPolicy is Never: set imagePullPolicy to IfNotPresent, or load the image onto the node (kind load docker-image, minikube image load).`;
    case 'invalid': {
      const parsed = parseReference(image);
      return parsed.ok ? 'The image reference is not valid: fix the image field.' : `The image reference is not valid: ${parsed.error.message} Fix the image field.`;
    }
    case 'unreachable':
      return `The node cannot reach ${parts.domain}: check the registry name, the node's DNS and network, and its registry TLS settings.`;
    case 'unknown':
      return `See the pod's events for the kubelet's reason: kubectl describe pod ${pod} -n ${namespace}`;
  }
}

/** The reasons whose message may not say why: a back-off's is just `Back-off pulling image "x"`. */
const EXPLAINED_BY_EVENTS = new Set(['ErrImagePull', 'ImagePullBackOff']);

/** The kubelet's image manager starts every pull failure event with this (pkg/kubelet/images). */
const PULL_FAILED = 'Failed to pull image ';

/** When an event last happened: core/v1 events from events.k8s.io recorders set eventTime and series instead of lastTimestamp. */
function eventTime(event: KubeObject): number {
  const series = record(event.series);
  const times = [series.lastObservedTime, event.lastTimestamp, event.eventTime, event.firstTimestamp, event.metadata.creationTimestamp];
  const time = times.find((t): t is string => typeof t === 'string' && t !== '');
  return time === undefined ? 0 : Date.parse(time);
}

/**
 * The message of the newest "Failed to pull image" event (reason Failed) of this pod's container,
 * or null. The container is the event's field path (`spec.containers{web}`, `spec.initContainers{init}`);
 * the pod's uid, when both have one, keeps the events of an earlier pod of the same name out.
 */
function pullFailedEvent(events: readonly KubeObject[], pod: KubeObject, container: string): string | null {
  let newest: { time: number; message: string } | null = null;
  for (const event of events) {
    const about = record(event.involvedObject);
    const message = typeof event.message === 'string' ? event.message : '';
    if (about.kind !== 'Pod' || about.name !== pod.metadata.name || event.reason !== 'Failed' || !message.startsWith(PULL_FAILED)) continue;
    if (about.uid && pod.metadata.uid && about.uid !== pod.metadata.uid) continue;
    if (typeof about.fieldPath !== 'string' || !/^spec\.\w+\{/.test(about.fieldPath) || !about.fieldPath.endsWith(`{${container}}`)) continue;
    const time = eventTime(event);
    if (newest === null || time >= newest.time) newest = { time, message };
  }
  return newest?.message ?? null;
}

/**
 * Every container (init containers too) whose image cannot be pulled, with the cause and a fix.
 * `events` are the pods' events: where a waiting message says no cause, the kubelet's pull
 * failure event for the container does.
 */
export function pullFailures(pods: readonly KubeObject[], events: readonly KubeObject[] = []): PullFailure[] {
  return pods.flatMap((pod) => {
    const status = record(pod.status);
    const spec = record(pod.spec);
    const name = pod.metadata.name ?? '';
    const namespace = pod.metadata.namespace ?? 'default';
    const pullSecrets = (Array.isArray(spec.imagePullSecrets) ? spec.imagePullSecrets : []).map((s) => String(record(s).name ?? '')).filter((s) => s !== '');
    const statuses = [status.initContainerStatuses, status.containerStatuses].flatMap((list) => (Array.isArray(list) ? list.map(record) : []));
    return statuses.flatMap((container): PullFailure[] => {
      const state = record(record(container.state).waiting);
      const reason = typeof state.reason === 'string' ? state.reason : '';
      if (!PULL_REASONS.has(reason)) return [];
      const message = typeof state.message === 'string' ? state.message : '';
      const image = String(container.image ?? '');
      const containerName = String(container.name ?? '');
      let cause = classify(reason, message);
      const failedEvent = cause === 'unknown' && EXPLAINED_BY_EVENTS.has(reason) ? pullFailedEvent(events, pod, containerName) : null;
      if (failedEvent !== null) cause = classify('ErrImagePull', failedEvent);
      return [{ pod: name, namespace, container: containerName, image, reason, message, cause, fix: fixFor(cause, image, pullSecrets, name, namespace) }];
    });
  });
}

/** A label selector as the API takes it, from a workload's spec.selector (matchLabels and matchExpressions). */
export function selectorString(selector: unknown): string {
  const { matchLabels, matchExpressions } = record(selector);
  const labels = Object.entries(record(matchLabels)).map(([key, value]) => `${key}=${String(value)}`);
  const expressions = (Array.isArray(matchExpressions) ? matchExpressions : []).map(record).map((e) => {
    const values = (Array.isArray(e.values) ? e.values : []).map(String).join(',');
    switch (e.operator) {
      case 'In':
        return `${String(e.key)} in (${values})`;
      case 'NotIn':
        return `${String(e.key)} notin (${values})`;
      case 'Exists':
        return String(e.key);
      default:
        return `!${String(e.key)}`;
    }
  });
  return [...labels, ...expressions].join(',');
}

export interface WatchRolloutOptions {
  readonly output: (line: string) => void;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  /** How often pods are listed besides on every event of the workload. */
  readonly pollMs?: number;
  /** How long a pull failure may last before watching stops (ErrImageNeverPull and InvalidImageName stop at once). */
  readonly pullFailureMs?: number;
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
 * The kubelet's pull failure events of these pods: one list per pod, by the field selector the API
 * server indexes events by. Events only add a cause, so a user who may not list them (RBAC often
 * allows pods but not events) still gets the pull failure, without its cause.
 */
async function pullFailedEvents(cluster: Cluster, failures: readonly PullFailure[]): Promise<KubeObject[]> {
  const pods = new Map(failures.map((f) => [`${f.namespace}/${f.pod}`, f]));
  const lists = await Promise.all(
    [...pods.values()].map(({ pod, namespace }) =>
      cluster.list('v1', 'Event', namespace, { fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod},reason=Failed` }).catch((): KubeObject[] => []),
    ),
  );
  return lists.flat();
}

/**
 * Watches until done. Pull failures are printed once per pod, container and cause; a later
 * "Back-off pulling image" without a reason keeps the cause an earlier ErrImagePull gave, and
 * when none was seen (the watch started during the back-off) the pod's events give it.
 */
export async function watchRollout(ref: ObjectRef, cluster: Cluster, options: WatchRolloutOptions): Promise<RolloutResult> {
  const pollMs = options.pollMs ?? 2000;
  const pullFailureMs = options.pullFailureMs ?? 20_000;
  const outer = options.signal;
  if (outer?.aborted) throw outer.reason;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });

  let lastMessage = '';
  let current: KubeObject | null = null;
  let failures: PullFailure[] = [];
  const firstSeen = new Map<string, number>();
  const known = new Map<string, PullFailure>();
  const printed = new Set<string>();
  let settle!: (result: RolloutResult) => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<RolloutResult>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const finish = (result: RolloutResult): void => {
    stop.abort();
    settle(result);
  };

  const say = (message: string): void => {
    if (message === lastMessage) return;
    lastMessage = message;
    options.output(message);
  };

  const remember = (found: PullFailure[]): PullFailure[] =>
    found.map((failure) => {
      const before = known.get(failureKey(failure));
      const kept = failure.cause === 'unknown' && before && before.image === failure.image ? { ...failure, cause: before.cause, fix: before.fix } : failure;
      known.set(failureKey(failure), kept);
      return kept;
    });

  const checkPods = async (): Promise<void> => {
    if (current === null) return;
    const selector = selectorString(record(current.spec).selector);
    if (selector === '') return;
    const pods = (await cluster.list('v1', 'Pod', current.metadata.namespace ?? ref.namespace ?? cluster.context.namespace, { labelSelector: selector })).filter(
      (pod) => !pod.metadata.deletionTimestamp,
    );
    if (stop.signal.aborted) return;
    failures = remember(pullFailures(pods));
    const unexplained = failures.filter((f) => f.cause === 'unknown');
    if (unexplained.length > 0) {
      const events = await pullFailedEvents(cluster, unexplained);
      if (stop.signal.aborted) return;
      failures = remember(pullFailures(pods, events));
    }
    const now = Date.now();
    const active = new Set(failures.map(failureKey));
    for (const key of [...firstSeen.keys()]) if (!active.has(key)) firstSeen.delete(key);
    for (const failure of failures) {
      const key = failureKey(failure);
      if (!firstSeen.has(key)) firstSeen.set(key, now);
      const line = `${failure.pod} ${failure.container}: ${failure.reason} ${failure.image}: ${failure.fix}`;
      if (!printed.has(`${key} ${failure.cause}`)) {
        printed.add(`${key} ${failure.cause}`);
        options.output(line);
      }
    }
    const stuck = failures.find((f) => NEVER_HEALS.has(f.reason) || now - (firstSeen.get(failureKey(f)) ?? now) >= pullFailureMs);
    if (stuck) finish({ done: false, message: `${stuck.pod} cannot pull ${stuck.image} (${stuck.reason}): ${stuck.fix}`, pullFailures: failures });
  };

  // One listing at a time; a poll asked for during one runs again after it, so every event of the
  // workload is followed by a listing that started after it (a short-lived ErrImagePull is not missed).
  let polling = false;
  let again = false;
  const poll = (): void => {
    if (stop.signal.aborted) return;
    if (polling) {
      again = true;
      return;
    }
    polling = true;
    checkPods()
      .catch((error: unknown) => {
        if (!stop.signal.aborted) fail(error);
      })
      .finally(() => {
        polling = false;
        if (again) {
          again = false;
          poll();
        }
      });
  };

  const onEvent = (type: string, object: KubeObject): void => {
    if (stop.signal.aborted) return;
    if (type === 'DELETED') {
      finish({ done: false, message: `${object.kind} "${ref.name}" was deleted`, pullFailures: failures });
      return;
    }
    current = object;
    const status = rolloutStatus(object);
    say(status.message);
    if (status.done || status.failed) finish({ done: status.done && !status.failed, message: status.message, pullFailures: failures });
    else poll();
  };

  const timer = setInterval(poll, pollMs);
  const timeout = setTimeout(() => {
    const waited = `timed out after ${options.timeoutMs / 1000}s`;
    finish({ done: false, message: lastMessage ? `${waited}: ${lastMessage}` : `${waited} waiting for ${ref.kind} "${ref.name}"`, pullFailures: failures });
  }, options.timeoutMs);
  stop.signal.addEventListener('abort', () => {
    if (outer?.aborted) fail(outer.reason);
  });

  const watchLoop = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      await cluster.watch(ref, (event) => onEvent(event.type, event.object), stop.signal);
      // The server ended the watch (its timeout, or a resourceVersion too old): watch again, gently.
      if (!stop.signal.aborted) await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, 1000)));
    }
  };
  watchLoop().catch((error: unknown) => {
    if (!stop.signal.aborted) fail(error);
  });

  try {
    return await finished;
  } finally {
    clearInterval(timer);
    clearTimeout(timeout);
    outer?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}
