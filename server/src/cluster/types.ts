/**
 * The cluster port: what the editor asks of a Kubernetes API server. One small interface so the
 * command logic (engine/) is unit-tested with any implementation; the adapter over
 * @kubernetes/client-node (createCluster) is tested against a loopback API server that real kubectl
 * was checked against.
 * Objects are plain JSON as the API serves them.
 */

export interface KubeMetadata {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly uid?: string;
  readonly managedFields?: readonly unknown[];
  readonly [key: string]: unknown;
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeMetadata;
  readonly [key: string]: unknown;
}

/** One object by name. `namespace` is null for cluster-scoped kinds. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | null;
}

/** What API discovery says about a kind. */
export interface ResourceInfo {
  readonly apiVersion: string;
  readonly kind: string;
  /** The plural resource name used in paths ("deployments"). */
  readonly plural: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

/** The context in use, resolved the way kubectl does it. */
export interface ContextInfo {
  readonly name: string;
  readonly cluster: string;
  /** The API server URL. */
  readonly server: string;
  readonly user: string;
  /** The context's namespace, or "default". */
  readonly namespace: string;
}

export interface ApplyOptions {
  readonly fieldManager: string;
  readonly dryRun: boolean;
  /** Take ownership of fields other managers own; only after the user confirmed a conflict. */
  readonly force: boolean;
}

export interface PatchOptions {
  readonly fieldManager: string;
  readonly dryRun: boolean;
}

/** Which objects a list returns: the API's `labelSelector` and `fieldSelector` query parameters. */
export interface ListSelectors {
  /** "app=web,tier in (a,b)" */
  readonly labelSelector?: string;
  /** "involvedObject.name=web-1,reason=Failed": metadata.name, metadata.namespace and the fields the server indexes for the kind. */
  readonly fieldSelector?: string;
  /** At most this many objects (the API's `limit`; the rest would be behind a `continue` token, which is not followed). */
  readonly limit?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

export interface Cluster {
  readonly context: ContextInfo;
  /** Discovery: the resource of `apiVersion`+`kind` (core, apps, batch, CRDs); throws not-found for an unknown kind. */
  resource(apiVersion: string, kind: string): Promise<ResourceInfo>;
  /** The live object, or null when there is none. */
  get(ref: ObjectRef): Promise<KubeObject | null>;
  /** Server-side apply: PATCH with `application/apply-patch+yaml`. */
  apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject>;
  /** A strategic-merge patch (what `kubectl set image` sends). */
  patch(ref: ObjectRef, patch: object, options: PatchOptions): Promise<KubeObject>;
  /** The scale subresource (what `kubectl scale` sends). */
  scale(ref: ObjectRef, replicas: number, options: PatchOptions): Promise<void>;
  /** Objects of a kind in a namespace (ignored for cluster-scoped kinds), all of them or those the selectors match. */
  list(apiVersion: string, kind: string, namespace: string, selectors?: ListSelectors): Promise<KubeObject[]>;
  /** Watches one object; resolves when the server ends the watch or `signal` aborts. */
  watch(ref: ObjectRef, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void>;
}

export type ClusterErrorCode = 'no-kubeconfig' | 'no-context' | 'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'invalid' | 'failed';

/** A field another manager owns, from a 409 apply conflict. */
export interface FieldConflict {
  readonly manager: string;
  /** The field path as the server wrote it (".spec.replicas"). */
  readonly field: string;
  readonly message: string;
}

/** Every cluster failure, with a message for people that says what to do. */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly code: ClusterErrorCode,
    /** HTTP status, or null when no answer came. */
    readonly status: number | null = null,
    /** For forbidden: the verb and resource refused ("patch", "deployments.apps"). */
    readonly verb: string | null = null,
    readonly resource: string | null = null,
    readonly conflicts: readonly FieldConflict[] = [],
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}
