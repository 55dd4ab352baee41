/**
 * Stand-ins for the deployment controller and the kubelet, driven by the test instead of by time:
 * a simulation walks one Deployment through the statuses the real controllers write, a step every
 * `stepMs`, so watchers see the same sequence of MODIFIED events each run.
 *
 * - rollout-ok: a new ReplicaSet, its replicas updated and becoming available one by one, Running
 *   pods, and the Progressing condition ending in NewReplicaSetAvailable (kubectl's "successfully rolled out").
 * - pull-fails: pods whose containers wait with the kubelet's reasons and messages for the cause:
 *   ErrImagePull then ImagePullBackOff (`Back-off pulling image "x"`) for a missing tag or a 401 from the
 *   registry, ErrImageNeverPull for pull policy Never, InvalidImageName, each with the kubelet's
 *   events (Failed "Failed to pull image …", "Error: ErrImagePull", BackOff…). The rollout never finishes.
 * - deadline-exceeded: the Progressing condition turns False with ProgressDeadlineExceeded.
 */
import { createHash } from 'node:crypto';
import { clone, isObject } from './fields';
import type { JsonObject } from './fields';
import { nowTimestamp } from './apply';

export type PullFailureCause = 'tag-not-found' | 'unauthorized' | 'never' | 'invalid';

export type Simulation =
  | { readonly kind: 'rollout-ok'; readonly stepMs?: number }
  | {
      readonly kind: 'pull-fails';
      readonly cause: PullFailureCause;
      /** Containers whose pull fails; every container by default. */
      readonly containers?: readonly string[];
      readonly stepMs?: number;
    }
  | { readonly kind: 'deadline-exceeded'; readonly stepMs?: number };

/** What a simulation may do to the cluster: read, and write as a controller (status via the status subresource). */
export interface ControllerAccess {
  get(apiVersion: string, kind: string, namespace: string, name: string): JsonObject | null;
  list(apiVersion: string, kind: string, namespace: string): JsonObject[];
  /** Creates or replaces an object (spec and status) as `manager`. */
  save(object: JsonObject, manager: string): void;
  /** Writes the status of an existing object through its status subresource as `manager`. */
  saveStatus(object: JsonObject, manager: string): void;
  remove(apiVersion: string, kind: string, namespace: string, name: string): void;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A name suffix in the alphabet the controllers use (rand.SafeEncodeString), derived from `seed`. */
function safeSuffix(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  return [...digest.subarray(0, length)].map((b) => SAFE_ALPHABET[b % SAFE_ALPHABET.length]).join('');
}

/** docker.io/library/nginx:latest for "nginx": the reference containerd resolves. */
export function normalizedReference(image: string): { reference: string; domain: string; path: string; tagOrDigest: string } {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : '';
  let name = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  let tag = '';
  if (colon > lastSlash) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const first = name.split('/')[0];
  const hasDomain = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const domain = hasDomain ? first : 'docker.io';
  let path = hasDomain ? name.slice(first.length + 1) : name;
  if (!hasDomain && !path.includes('/')) path = `library/${path}`;
  if (tag === '' && digest === '') tag = 'latest';
  const reference = `${domain}/${path}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { reference, domain, path, tagOrDigest: digest || tag };
}

/** The container's waiting reason and message as the kubelet (with containerd) writes them. */
export function pullFailure(image: string, cause: PullFailureCause): { reason: string; message: string } {
  const { reference, domain, path, tagOrDigest } = normalizedReference(image);
  switch (cause) {
    case 'tag-not-found':
      return {
        reason: 'ErrImagePull',
        message: `rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": ${reference}: not found`,
      };
    case 'unauthorized': {
      const host = domain === 'docker.io' ? 'registry-1.docker.io' : domain;
      return {
        reason: 'ErrImagePull',
        message: `rpc error: code = Unknown desc = failed to pull and unpack image "${reference}": failed to resolve reference "${reference}": unexpected status from HEAD request to https://${host}/v2/${path}/manifests/${tagOrDigest}: 401 Unauthorized`,
      };
    }
    case 'never':
      return { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
    case 'invalid':
      return {
        reason: 'InvalidImageName',
        message: `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": invalid reference format`,
      };
  }
}

function condition(type: string, status: string, reason: string, message: string): JsonObject {
  const time = nowTimestamp();
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

interface Containers {
  readonly name: string;
  readonly image: string;
}

function templateOf(deployment: JsonObject): JsonObject {
  const spec = deployment['spec'] as JsonObject;
  return spec['template'] as JsonObject;
}

function containersOf(template: JsonObject): Containers[] {
  const spec = template['spec'];
  const list = isObject(spec) && Array.isArray(spec['containers']) ? spec['containers'] : [];
  return list.filter(isObject).map((c) => ({ name: String(c['name']), image: String(c['image']) }));
}

function metadata(object: JsonObject): JsonObject {
  return object['metadata'] as JsonObject;
}

export class Controllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly cluster: ControllerAccess) {}

  /** Runs one simulation on the Deployment `namespace/name`; resolves after its last step. */
  async simulate(namespace: string, name: string, simulation: Simulation): Promise<void> {
    const stepMs = simulation.stepMs ?? 30;
    const steps = this.steps(namespace, name, simulation);
    for (const step of steps) {
      if (this.closed) return;
      await this.sleep(stepMs);
      if (this.closed) return;
      step();
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  private deployment(namespace: string, name: string): JsonObject {
    const found = this.cluster.get('apps/v1', 'Deployment', namespace, name);
    if (found === null) throw new Error(`simulate: no Deployment ${namespace}/${name}`);
    return found;
  }

  private steps(namespace: string, name: string, simulation: Simulation): (() => void)[] {
    const start = this.deployment(namespace, name);
    const generation = Number(metadata(start)['generation'] ?? 1);
    const replicas = Number((start['spec'] as JsonObject)['replicas'] ?? 1);
    const template = templateOf(start);
    const hash = safeSuffix(JSON.stringify(template), 10);
    const replicaSet = `${name}-${hash}`;
    const oldStatus = isObject(start['status']) ? start['status'] : {};
    const oldReplicas = Number(oldStatus['availableReplicas'] ?? 0);
    const progressing = condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${replicaSet}" is progressing.`);
    const unavailable = condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.');
    const writeStatus = (status: JsonObject): void => {
      const current = this.deployment(namespace, name);
      // DeploymentStatus counts are omitempty: a zero is left out, as the controller writes it.
      current['status'] = Object.fromEntries(Object.entries({ observedGeneration: generation, ...status }).filter(([, v]) => v !== 0));
      this.cluster.saveStatus(current, 'kube-controller-manager');
    };
    const createReplicaSet = (): void => this.saveReplicaSet(start, replicaSet, hash, replicas);

    switch (simulation.kind) {
      case 'rollout-ok': {
        const steps: (() => void)[] = [
          () => {
            createReplicaSet();
            writeStatus({
              replicas: oldReplicas,
              updatedReplicas: 0,
              readyReplicas: oldReplicas,
              availableReplicas: oldReplicas,
              conditions: [
                oldReplicas > 0 ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.') : unavailable,
                progressing,
              ],
            });
          },
        ];
        for (let i = 1; i <= replicas; i += 1) {
          steps.push(() => {
            const total = i + Math.max(0, oldReplicas - i);
            const done = i === replicas;
            if (done) this.savePods(start, replicaSet, hash, replicas, true, null);
            writeStatus({
              replicas: done ? replicas : total,
              updatedReplicas: i,
              readyReplicas: done ? replicas : total,
              availableReplicas: done ? replicas : total,
              conditions: done
                ? [
                    condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
                    condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${replicaSet}" has successfully progressed.`),
                  ]
                : [unavailable, progressing],
            });
          });
        }
        if (replicas === 0) steps.push(() => writeStatus({ conditions: [progressing] }));
        return steps;
      }
      case 'pull-fails': {
        const failing = new Set(simulation.containers ?? containersOf(template).map((c) => c.name));
        // With the default 25% maxSurge/maxUnavailable the controller adds ceil(25%) new pods and keeps
        // every old one while no new pod becomes available; a first rollout starts all of them.
        const added = oldReplicas === 0 ? replicas : Math.ceil(replicas * 0.25);
        const pending = {
          replicas: oldReplicas + added,
          updatedReplicas: added,
          readyReplicas: oldReplicas,
          availableReplicas: oldReplicas,
          unavailableReplicas: added,
        };
        const available = oldReplicas > 0 ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.') : unavailable;
        const backOff = simulation.cause === 'tag-not-found' || simulation.cause === 'unauthorized';
        const podsWith = (phase: 'creating' | 'failed' | 'backoff') => () => {
          createReplicaSet();
          this.savePods(start, replicaSet, hash, added, false, (container) => {
            if (!failing.has(container.name)) return null;
            if (phase === 'creating') return { reason: 'ContainerCreating', message: '' };
            if (phase === 'backoff') return { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` };
            return pullFailure(container.image, simulation.cause);
          });
          writeStatus({ ...pending, conditions: [available, progressing] });
        };
        return [podsWith('creating'), podsWith('failed'), ...(backOff ? [podsWith('backoff')] : [])];
      }
      case 'deadline-exceeded':
        return [
          () => {
            createReplicaSet();
            writeStatus({ replicas, updatedReplicas: replicas, unavailableReplicas: replicas, conditions: [unavailable, progressing] });
          },
          () =>
            writeStatus({
              replicas,
              updatedReplicas: replicas,
              unavailableReplicas: replicas,
              conditions: [unavailable, condition('Progressing', 'False', 'ProgressDeadlineExceeded', `ReplicaSet "${replicaSet}" has timed out progressing.`)],
            }),
        ];
    }
  }

  private saveReplicaSet(deployment: JsonObject, name: string, hash: string, replicas: number): void {
    const meta = metadata(deployment);
    const namespace = String(meta['namespace']);
    if (this.cluster.get('apps/v1', 'ReplicaSet', namespace, name) !== null) return;
    const template = clone(templateOf(deployment));
    const templateMeta = (template['metadata'] ??= {}) as JsonObject;
    const labels = { ...(isObject(templateMeta['labels']) ? templateMeta['labels'] : {}), 'pod-template-hash': hash };
    templateMeta['labels'] = labels;
    const selector = clone((deployment['spec'] as JsonObject)['selector'] as JsonObject);
    selector['matchLabels'] = { ...(isObject(selector['matchLabels']) ? selector['matchLabels'] : {}), 'pod-template-hash': hash };
    this.cluster.save(
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace,
          labels,
          annotations: { 'deployment.kubernetes.io/revision': String(meta['generation'] ?? 1) },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'Deployment', name: String(meta['name']), uid: String(meta['uid']), controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: { replicas, selector, template },
      },
      'kube-controller-manager',
    );
  }

  /**
   * Puts `replicas` pods of the ReplicaSet in place, each container Running or waiting with what
   * `waiting` says; `replaceOld` removes the pods of the Deployment's older ReplicaSets.
   */
  private savePods(
    deployment: JsonObject,
    replicaSet: string,
    hash: string,
    replicas: number,
    replaceOld: boolean,
    waiting: ((container: Containers) => { reason: string; message: string } | null) | null,
  ): void {
    const namespace = String(metadata(deployment)['namespace']);
    const owner = String(metadata(deployment)['name']);
    for (const pod of replaceOld ? this.cluster.list('v1', 'Pod', namespace) : []) {
      const podMeta = metadata(pod);
      const labels = isObject(podMeta['labels']) ? podMeta['labels'] : {};
      if (String(podMeta['name']).startsWith(`${owner}-`) && labels['pod-template-hash'] !== hash) {
        this.cluster.remove('v1', 'Pod', namespace, String(podMeta['name']));
      }
    }
    const template = clone(templateOf(deployment));
    const templateMeta = isObject(template['metadata']) ? template['metadata'] : {};
    const containers = containersOf(template);
    const rsUid = metadata(this.cluster.get('apps/v1', 'ReplicaSet', namespace, replicaSet) ?? { metadata: {} })['uid'];
    for (let i = 0; i < replicas; i += 1) {
      const name = `${replicaSet}-${safeSuffix(`${replicaSet}/${i}`, 5)}`;
      const existing = this.cluster.get('v1', 'Pod', namespace, name);
      const time = nowTimestamp();
      const states = containers.map((c) => ({ container: c, wait: waiting?.(c) ?? null }));
      const unready = states.filter((s) => s.wait !== null).map((s) => s.container.name);
      const ready = unready.length === 0;
      const readiness = (type: string): JsonObject => ({
        type,
        status: ready ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: time,
        ...(ready ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }),
      });
      const status: JsonObject = {
        phase: ready ? 'Running' : 'Pending',
        conditions: [
          { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: time },
          { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: time },
          readiness('Ready'),
          readiness('ContainersReady'),
          { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: time },
        ],
        hostIP: '10.0.0.10',
        podIP: `10.244.0.${10 + i}`,
        startTime: time,
        qosClass: 'BestEffort',
        containerStatuses: states.map(({ container, wait }): JsonObject => ({
          name: container.name,
          image: container.image,
          imageID:
            wait === null
              ? `${normalizedReference(container.image).reference.split(/[:@]/)[0]}@sha256:${createHash('sha256').update(container.image).digest('hex')}`
              : '',
          ready: wait === null,
          restartCount: 0,
          started: wait === null,
          state: wait === null ? { running: { startedAt: time } } : { waiting: wait.message === '' ? { reason: wait.reason } : { ...wait } },
          ...(wait === null
            ? {
                containerID: `containerd://${createHash('sha256')
                  .update(name + container.name)
                  .digest('hex')}`,
              }
            : {}),
        })),
      };
      const pod: JsonObject = existing ?? {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name,
          namespace,
          generateName: `${replicaSet}-`,
          labels: { ...(isObject(templateMeta['labels']) ? templateMeta['labels'] : {}), 'pod-template-hash': hash },
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, uid: String(rsUid ?? ''), controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: { ...(template['spec'] as JsonObject), nodeName: 'stub-node' },
      };
      if (existing === null) this.cluster.save(pod, 'kube-controller-manager');
      const saved = this.cluster.get('v1', 'Pod', namespace, name)!;
      saved['status'] = status;
      this.cluster.saveStatus(saved, 'kubelet');
      const failed = states.filter((s) => s.wait !== null && s.wait.message !== '');
      for (const { container, wait } of failed) this.pullEvents(saved, container, wait!);
    }
  }

  /**
   * The kubelet's events for a container that cannot pull, as `kubectl describe pod` shows them: the
   * image manager's (Failed "Failed to pull image …", BackOff "Back-off pulling image …",
   * ErrImageNeverPull, InspectFailed for a name it cannot parse), then the container runtime
   * manager's Failed "Error: <the waiting reason>".
   */
  private pullEvents(pod: JsonObject, container: Containers, wait: { reason: string; message: string }): void {
    const fieldPath = `spec.containers{${container.name}}`;
    switch (wait.reason) {
      case 'ErrImagePull':
        this.event(pod, fieldPath, 'Failed', `Failed to pull image "${container.image}": ${wait.message}`);
        break;
      case 'ImagePullBackOff':
        this.event(pod, fieldPath, 'BackOff', wait.message, 'Normal');
        break;
      case 'InvalidImageName':
        this.event(pod, fieldPath, 'InspectFailed', wait.message);
        break;
      default:
        this.event(pod, fieldPath, wait.reason, wait.message);
    }
    this.event(pod, fieldPath, 'Failed', `Error: ${wait.reason}`);
  }

  /** One kubelet event; a repeat (same container, reason and message) counts up on the same Event, as its event correlator does. */
  private event(pod: JsonObject, fieldPath: string, reason: string, message: string, type = 'Warning'): void {
    const podMeta = metadata(pod);
    const podName = String(podMeta['name']);
    const namespace = String(podMeta['namespace']);
    const name = `${podName}.${safeSuffix(`${fieldPath}/${reason}/${message}`, 16)}`;
    const before = this.cluster.get('v1', 'Event', namespace, name);
    const time = nowTimestamp();
    this.cluster.save(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name: podName, namespace, uid: String(podMeta['uid']), fieldPath },
        reason,
        message,
        source: { component: 'kubelet', host: 'stub-node' },
        firstTimestamp: before?.['firstTimestamp'] ?? time,
        lastTimestamp: time,
        count: Number(before?.['count'] ?? 0) + 1,
        type,
        reportingComponent: 'kubelet',
        reportingInstance: 'stub-node',
      },
      'kubelet',
    );
  }
}
