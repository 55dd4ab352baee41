/**
 * Why pods cannot pull their image. pullFailures reads the kubelet's waiting reasons of every
 * container (init containers too) and turns its message into a cause and a fix; a back-off's
 * message names no cause, so then the kubelet's newest "Failed to pull image" event for that
 * container is read instead (pullFailedEvents lists them).
 */
import { parseReference } from '../../core';
import type { Cluster, KubeObject } from '../../cluster';
import { record } from '../../core/json';

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
const UNREACHABLE =
  /no such host|connection refused|i\/o timeout|dial tcp|x509|certificate|server gave HTTP response to HTTPS client|network is unreachable|TLS handshake/i;
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
        ? `${parts.domain} refused the pull without credentials: add imagePullSecrets (a docker-registry ` +
            `Secret for ${parts.domain}) to the pod spec or its service account, or check the repository name.`
        : `${parts.domain} refused the credentials of imagePullSecrets ${pullSecrets.map((s) => `"${s}"`).join(', ')}: ` +
            `check that the Secret holds credentials for ${parts.domain} that may pull ${parts.repository}.`;
    case 'never':
      return (
        `The image is not on the node and imagePullPolicy is Never: set imagePullPolicy to ` +
        `IfNotPresent, or load the image onto the node (kind load docker-image, minikube image load).`
      );
    case 'invalid': {
      const parsed = parseReference(image);
      return parsed.ok
        ? 'The image reference is not valid: fix the image field.'
        : `The image reference is not valid: ${parsed.error.message} Fix the image field.`;
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

/**
 * The kubelet's pull failure events of these pods: one list per pod, by the field selector the API
 * server indexes events by. Events only add a cause, so a user who may not list them (RBAC often
 * allows pods but not events) still gets the pull failure, without its cause.
 */
export async function pullFailedEvents(cluster: Cluster, failures: readonly PullFailure[]): Promise<KubeObject[]> {
  const pods = new Map(failures.map((f) => [`${f.namespace}/${f.pod}`, f]));
  const lists = await Promise.all(
    [...pods.values()].map(({ pod, namespace }) =>
      cluster
        .list('v1', 'Event', namespace, { fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod},reason=Failed` })
        .catch((): KubeObject[] => []),
    ),
  );
  return lists.flat();
}
