/**
 * An in-memory Cluster for the engine's flows: objects by key, server-side apply that adds the
 * server's bookkeeping (uid, resourceVersion, managedFields, status) and stores only when not a dry
 * run, scripted 409 conflicts that force clears, scripted failures, a watch fed by the test, and
 * lists of the test's pods and of its events (these by field selector, as the server filters them).
 * Every call is recorded so tests can say what was (and was not) sent, and can wait for one.
 */
import { ClusterError } from '../../../server/src/cluster/types';
import { Changes } from '../../helpers/events';
import type {
  ApplyOptions,
  Cluster,
  ContextInfo,
  FieldConflict,
  KubeObject,
  ListSelectors,
  ObjectRef,
  PatchOptions,
  ResourceInfo,
  WatchEvent,
} from '../../../server/src/cluster/types';

export interface Call {
  readonly method: 'get' | 'apply' | 'patch' | 'scale' | 'list' | 'watch';
  /** For a list, the kind and namespace with an empty name. */
  readonly ref: ObjectRef;
  readonly options?: ApplyOptions | PatchOptions;
  readonly body?: unknown;
  readonly selectors?: ListSelectors;
}

const RESOURCES: ResourceInfo[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments', namespaced: true, verbs: ['get', 'patch'] },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, verbs: ['get', 'patch'] },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, verbs: ['get', 'patch'] },
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, verbs: ['get', 'patch'] },
  { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, verbs: ['get', 'list'] },
  { apiVersion: 'v1', kind: 'Event', plural: 'events', namespaced: true, verbs: ['get', 'list'] },
];

export function keyOf(ref: Pick<ObjectRef, 'kind' | 'name' | 'namespace'>): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`;
}

function refOf(object: KubeObject): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name ?? '', namespace: object.metadata.namespace ?? null };
}

export class FakeCluster implements Cluster {
  readonly context: ContextInfo = { name: 'fake', cluster: 'fake', server: 'https://fake.test', user: 'me', namespace: 'team' };
  readonly calls: Call[] = [];
  /** Told of every call, so a test can wait for one instead of polling `calls`. */
  readonly changes = new Changes();
  readonly objects = new Map<string, KubeObject>();
  /** Fields other managers own, per object key: apply without force answers 409. */
  readonly conflicts = new Map<string, FieldConflict[]>();
  /** Errors to throw on apply, per object key (for dry runs and real ones alike). */
  readonly failures = new Map<string, ClusterError>();
  pods: KubeObject[] = [];
  events: KubeObject[] = [];
  private version = 100;
  private watcher: ((event: WatchEvent) => void) | null = null;
  private endWatch: (() => void) | null = null;

  async resource(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const found = RESOURCES.find((r) => r.apiVersion === apiVersion && r.kind === kind);
    if (!found) throw new ClusterError(`no kind ${kind}`, 'not-found', 404);
    return found;
  }

  put(object: KubeObject): void {
    this.objects.set(keyOf(refOf(object)), object);
  }

  async get(ref: ObjectRef): Promise<KubeObject | null> {
    this.record({ method: 'get', ref });
    return this.objects.get(keyOf(ref)) ?? null;
  }

  async apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const ref = refOf(object);
    this.record({ method: 'apply', ref, options, body: object });
    const key = keyOf(ref);
    const failure = this.failures.get(key);
    if (failure) throw failure;
    const conflicts = this.conflicts.get(key);
    if (conflicts && !options.force) throw new ClusterError('conflict', 'conflict', 409, null, null, conflicts);
    const live = this.objects.get(key);
    const stored: KubeObject = {
      ...live,
      ...object,
      metadata: {
        ...live?.metadata,
        ...object.metadata,
        uid: live?.metadata.uid ?? `uid-${key}`,
        resourceVersion: String(++this.version),
        generation: (live?.metadata.generation ?? 0) + 1,
        creationTimestamp: '2026-01-01T00:00:00Z',
        managedFields: [{ manager: options.fieldManager, operation: 'Apply' }],
      },
      status: { observedGeneration: 1 },
    };
    if (!options.dryRun) {
      this.objects.set(key, stored);
      this.conflicts.delete(key);
    }
    return stored;
  }

  async patch(ref: ObjectRef, patch: object, options: PatchOptions): Promise<KubeObject> {
    this.record({ method: 'patch', ref, options, body: patch });
    const live = this.objects.get(keyOf(ref));
    if (!live) throw new ClusterError('not found', 'not-found', 404);
    return live;
  }

  async scale(ref: ObjectRef, replicas: number, options: PatchOptions): Promise<void> {
    this.record({ method: 'scale', ref, options, body: replicas });
  }

  async list(apiVersion: string, kind: string, namespace: string, selectors?: ListSelectors): Promise<KubeObject[]> {
    this.record({ method: 'list', ref: { apiVersion, kind, name: '', namespace }, selectors });
    if (kind !== 'Event') return this.pods;
    // "a.b=v,c=w": every field equals its value.
    const required = (selectors?.fieldSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map((term) => term.split('='));
    return this.events.filter((event) =>
      required.every(([path, value]) => path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], event) === value),
    );
  }

  async watch(ref: ObjectRef, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    this.record({ method: 'watch', ref });
    const current = this.objects.get(keyOf(ref));
    if (current) onEvent({ type: 'ADDED', object: current });
    this.watcher = onEvent;
    await new Promise<void>((resolve) => {
      this.endWatch = resolve;
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.watcher = null;
  }

  /** Stores the object and tells the watcher, as the server would. */
  emit(type: WatchEvent['type'], object: KubeObject): void {
    if (type !== 'DELETED') this.put(object);
    this.watcher?.({ type, object });
  }

  /** Ends the current watch as a server timeout would. */
  closeWatch(): void {
    this.endWatch?.();
  }

  private record(call: Call): void {
    this.calls.push(call);
    this.changes.notify();
  }

  /** The apply calls that were not dry runs. */
  realApplies(): Call[] {
    return this.calls.filter((c) => c.method === 'apply' && !(c.options as ApplyOptions).dryRun);
  }
}
