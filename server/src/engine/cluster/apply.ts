/**
 * "Apply to cluster": server-side apply with a look first. Each object is applied with dryRun=All,
 * and what the server would store is compared with what it stores now (both normalized: no
 * server-owned bookkeeping, keys sorted), so the user confirms a real diff. Then the objects that
 * change are applied for real in file order. A 409 means other field managers own some of the
 * fields: the user is asked before the apply is repeated with force, which takes them over.
 * Objects the server refuses in the dry run are reported and not applied; failures that concern
 * the whole cluster (cannot reach it, credentials, abort) end the flow.
 */
import { stringify } from 'yaml';
import type { Cluster, ClusterError, FieldConflict, KubeObject, ObjectRef } from '../../cluster';
import { displayName, refOf } from './objects';

export type ChangeAction = 'create' | 'update' | 'unchanged';

export interface ObjectChange {
  /** With the namespace the object goes to (null for cluster-scoped kinds). */
  readonly ref: ObjectRef;
  readonly action: ChangeAction;
  /** The live object as normalized YAML, '' when there is none. */
  readonly live: string;
  /** What the server would store, as normalized YAML. */
  readonly proposed: string;
  /** Fields other managers own that this apply would change (only applied with force). */
  readonly conflicts: readonly FieldConflict[];
  /**
   * Set when the server could not dry-run the object because its namespace does not exist yet and
   * an earlier object of the same apply creates it: `proposed` is then the object as sent, not as
   * the server would store it. Null when the server's dry run made `proposed`.
   */
  readonly pendingNamespace: string | null;
}

export interface RefusedObject {
  readonly ref: ObjectRef;
  readonly message: string;
}

export interface ApplyPrompts {
  /** Shows the changes; true applies them. Not asked when nothing would change. */
  confirmApply(changes: readonly ObjectChange[]): Promise<boolean>;
  /** Other managers own `conflicts`; true applies again with force. */
  confirmForce(ref: ObjectRef, conflicts: readonly FieldConflict[]): Promise<boolean>;
}

export interface ApplyFlowOptions {
  readonly fieldManager: string;
  readonly output: (line: string) => void;
  readonly signal?: AbortSignal;
}

export type ApplyOutcome = 'created' | 'configured' | 'unchanged' | 'not-forced' | 'refused';

export interface AppliedObject {
  readonly ref: ObjectRef;
  readonly outcome: ApplyOutcome;
  /** The object as the server stored it, for the changed ones. */
  readonly object: KubeObject | null;
  readonly message: string | null;
}

export interface ApplyReport {
  readonly changes: readonly ObjectChange[];
  /** Refused in the dry run (invalid, forbidden, unknown kind, ...), so never applied. */
  readonly refused: readonly RefusedObject[];
  /** False when the user declined: nothing was applied. */
  readonly confirmed: boolean;
  readonly results: readonly AppliedObject[];
}

/** The field manager server-side apply records when none is configured (`kubectl apply --server-side` uses "kubectl"). */
export const DEFAULT_FIELD_MANAGER = 'image-aware';

/** The configured field manager, trimmed, or the default when it is empty. */
export function fieldManagerOrDefault(configured: string | undefined): string {
  return configured?.trim() || DEFAULT_FIELD_MANAGER;
}

/** What an apply came to, object by object. */
export interface ApplyTally {
  /** Applied: created, configured or unchanged. */
  readonly applied: readonly AppliedObject[];
  /** Refused in the dry run or by the apply, or not forced over other managers' fields, with why. */
  readonly notApplied: readonly RefusedObject[];
  /** Created or configured: the objects whose rollouts are worth following. */
  readonly changed: readonly ObjectRef[];
}

export function tallyApply(report: ApplyReport): ApplyTally {
  const failed = (r: AppliedObject): boolean => r.outcome === 'refused' || r.outcome === 'not-forced';
  return {
    applied: report.results.filter((r) => !failed(r)),
    notApplied: [...report.refused, ...report.results.filter(failed).map((r) => ({ ref: r.ref, message: r.message ?? r.outcome }))],
    changed: report.results.filter((r) => r.outcome === 'created' || r.outcome === 'configured').map((r) => r.ref),
  };
}

/** Codes that concern every object alike: there is no point in going on. */
const FATAL = new Set(['no-kubeconfig', 'no-context', 'unreachable', 'unauthorized']);

/** A ClusterError (the engine knows the port's types only, so it checks by name). */
export function asClusterError(error: unknown): ClusterError | null {
  return error instanceof Error && error.name === 'ClusterError' ? (error as ClusterError) : null;
}

const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp'];

/** The object as YAML without what the server keeps for itself, keys sorted, so two states diff cleanly. */
export function normalizedYaml(object: KubeObject | null): string {
  if (object === null) return '';
  const { status: _status, ...rest } = object;
  const metadata = Object.fromEntries(Object.entries(object.metadata).filter(([key]) => !SERVER_METADATA.includes(key)));
  return stringify({ ...rest, metadata }, { sortMapEntries: true, lineWidth: 0 });
}

/**
 * The object with the namespace it goes to: its own, else the context's for namespaced kinds;
 * none for cluster-scoped kinds (the server would refuse one).
 */
export async function placeObject(object: KubeObject, cluster: Cluster): Promise<KubeObject> {
  const info = await cluster.resource(object.apiVersion, object.kind);
  const { namespace, ...metadata } = object.metadata;
  if (!info.namespaced) return namespace === undefined ? object : { ...object, metadata };
  return namespace ? object : { ...object, metadata: { ...metadata, namespace: cluster.context.namespace } };
}

interface Planned {
  readonly object: KubeObject;
  readonly change: ObjectChange;
}

/**
 * `creating` holds the namespaces that objects planned before this one create: an object in one of
 * them cannot be dry-run (the server answers 404 for the namespace), but kubectl apply, which goes
 * in file order, creates it there all the same, and so does the apply that follows.
 */
async function plan(object: KubeObject, cluster: Cluster, fieldManager: string, creating: ReadonlySet<string>): Promise<Planned> {
  const placed = await placeObject(object, cluster);
  const ref = refOf(placed);
  const live = await cluster.get(ref);
  let conflicts: readonly FieldConflict[] = [];
  let proposed: KubeObject;
  try {
    proposed = await cluster.apply(placed, { fieldManager, dryRun: true, force: false });
  } catch (error) {
    const conflict = asClusterError(error);
    if (conflict?.code === 'not-found' && live === null && ref.namespace !== null && creating.has(ref.namespace)) {
      const change: ObjectChange = { ref, action: 'create', live: '', proposed: normalizedYaml(placed), conflicts: [], pendingNamespace: ref.namespace };
      return { object: placed, change };
    }
    if (conflict?.code !== 'conflict' || conflict.conflicts.length === 0) throw error;
    // Show what a forced apply would store; the real apply asks before forcing.
    conflicts = conflict.conflicts;
    proposed = await cluster.apply(placed, { fieldManager, dryRun: true, force: true });
  }
  const liveYaml = normalizedYaml(live);
  const proposedYaml = normalizedYaml(proposed);
  const action: ChangeAction = live === null ? 'create' : liveYaml === proposedYaml ? 'unchanged' : 'update';
  return { object: placed, change: { ref, action, live: liveYaml, proposed: proposedYaml, conflicts, pendingNamespace: null } };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

async function applyOne(planned: Planned, cluster: Cluster, prompts: ApplyPrompts, fieldManager: string): Promise<AppliedObject> {
  const { ref, action } = planned.change;
  const outcome: ApplyOutcome = action === 'create' ? 'created' : 'configured';
  try {
    return { ref, outcome, object: await cluster.apply(planned.object, { fieldManager, dryRun: false, force: false }), message: null };
  } catch (error) {
    const conflict = asClusterError(error);
    if (conflict?.code !== 'conflict' || conflict.conflicts.length === 0) throw error;
    if (!(await prompts.confirmForce(ref, conflict.conflicts))) return { ref, outcome: 'not-forced', object: null, message: conflict.message };
    return { ref, outcome, object: await cluster.apply(planned.object, { fieldManager, dryRun: false, force: true }), message: null };
  }
}

function outputLine(result: AppliedObject): string {
  const name = displayName(result.ref);
  if (result.outcome === 'not-forced') return `${name} not applied: ${result.message}`;
  if (result.outcome === 'refused') return `${name} failed: ${result.message}`;
  return `${name} ${result.outcome}`;
}

export async function applyObjects(objects: readonly KubeObject[], cluster: Cluster, prompts: ApplyPrompts, options: ApplyFlowOptions): Promise<ApplyReport> {
  const planned: Planned[] = [];
  const refused: RefusedObject[] = [];
  const creating = new Set<string>();
  for (const object of objects) {
    throwIfAborted(options.signal);
    try {
      const next = await plan(object, cluster, options.fieldManager, creating);
      planned.push(next);
      const { ref, action } = next.change;
      if (ref.kind === 'Namespace' && ref.apiVersion === 'v1' && action === 'create') creating.add(ref.name);
    } catch (error) {
      const problem = asClusterError(error);
      if (problem === null || FATAL.has(problem.code)) throw error;
      const ref = refOf(object);
      refused.push({ ref, message: problem.message });
      options.output(`${displayName(ref)} failed (server dry run): ${problem.message}`);
    }
  }
  const changes = planned.map((p) => p.change);
  const toApply = planned.filter((p) => p.change.action !== 'unchanged');
  const unchanged = planned
    .filter((p) => p.change.action === 'unchanged')
    .map((p): AppliedObject => ({ ref: p.change.ref, outcome: 'unchanged', object: null, message: null }));
  if (toApply.length === 0) {
    for (const result of unchanged) options.output(outputLine(result));
    return { changes, refused, confirmed: true, results: unchanged };
  }
  throwIfAborted(options.signal);
  if (!(await prompts.confirmApply(changes))) {
    options.output('Apply cancelled: nothing was changed.');
    return { changes, refused, confirmed: false, results: [] };
  }
  const results: AppliedObject[] = [...unchanged];
  for (const result of unchanged) options.output(outputLine(result));
  for (const p of toApply) {
    throwIfAborted(options.signal);
    let result: AppliedObject;
    try {
      result = await applyOne(p, cluster, prompts, options.fieldManager);
    } catch (error) {
      const problem = asClusterError(error);
      if (problem === null || FATAL.has(problem.code)) throw error;
      result = { ref: p.change.ref, outcome: 'refused', object: null, message: problem.message };
    }
    results.push(result);
    options.output(outputLine(result));
  }
  return { changes, refused, confirmed: true, results };
}
