/**
 * The stub's etcd: objects by resource, namespace and name, one increasing resourceVersion for every
 * write (like etcd's revision), and the history of changes so a watch from a resourceVersion replays
 * what happened after it.
 */
import { randomUUID } from 'node:crypto';
import { clone, deepEqual, isObject } from './fields';
import type { JsonObject } from './fields';
import { nowTimestamp } from './apply';
import { resourceByKind } from './resources';
import type { Resource } from './resources';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  readonly type: ChangeType;
  readonly resource: Resource;
  /** The object after the change (before it, for DELETED), with that change's resourceVersion. */
  readonly object: JsonObject;
  readonly resourceVersion: number;
}

/** Kinds whose spec changes bump metadata.generation (the workload kinds and every custom resource). */
function hasGeneration(resource: Resource): boolean {
  return resource.custom || resource.group === 'apps' || resource.group === 'batch';
}

function key(resource: Resource, namespace: string | null, name: string): string {
  return `${resource.plural}.${resource.group}/${namespace ?? ''}/${name}`;
}

function metadataOf(object: JsonObject): JsonObject {
  if (!isObject(object['metadata'])) object['metadata'] = {};
  return object['metadata'] as JsonObject;
}

/** Everything but metadata and status: what a generation counts changes of. */
function specPart(object: JsonObject): JsonObject {
  const { metadata: _m, status: _s, ...rest } = object;
  return rest;
}

export class Store {
  private readonly objects = new Map<string, JsonObject>();
  private readonly history: Change[] = [];
  private readonly listeners = new Set<(change: Change) => void>();
  private revision = 1000;

  get resourceVersion(): number {
    return this.revision;
  }

  get(resource: Resource, namespace: string | null, name: string): JsonObject | null {
    const found = this.objects.get(key(resource, namespace, name));
    return found === undefined ? null : clone(found);
  }

  list(resource: Resource, namespace: string | null): JsonObject[] {
    const prefix = `${resource.plural}.${resource.group}/`;
    return [...this.objects.entries()]
      .filter(([k, o]) => k.startsWith(prefix) && (namespace === null || metadataOf(o)['namespace'] === namespace))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, o]) => clone(o));
  }

  /**
   * Stores an object as the server does on create or update: uid and creationTimestamp on create,
   * a new resourceVersion, and generation bumped when more than metadata and status changed.
   * With `dryRun` the result is returned but nothing is stored or announced.
   */
  write(resource: Resource, object: JsonObject, options: { dryRun?: boolean } = {}): JsonObject {
    const result = clone(object);
    const metadata = metadataOf(result);
    const namespace = resource.namespaced ? String(metadata['namespace'] ?? 'default') : null;
    if (namespace !== null) metadata['namespace'] = namespace;
    else delete metadata['namespace'];
    const k = key(resource, namespace, String(metadata['name']));
    const existing = this.objects.get(k);
    if (existing === undefined) {
      metadata['uid'] = randomUUID();
      metadata['creationTimestamp'] = nowTimestamp();
      if (hasGeneration(resource)) metadata['generation'] = 1;
    } else {
      const before = metadataOf(existing);
      metadata['uid'] = before['uid'] ?? randomUUID();
      metadata['creationTimestamp'] = before['creationTimestamp'] ?? nowTimestamp();
      if (hasGeneration(resource)) {
        const generation = Number(before['generation'] ?? 1);
        metadata['generation'] = deepEqual(specPart(existing), specPart(result)) ? generation : generation + 1;
      }
      const { resourceVersion: _a, ...beforeRest } = before;
      const { resourceVersion: _b, ...afterRest } = metadata;
      // An update that changes nothing keeps its resourceVersion and sends no event, like the real server.
      if (deepEqual(beforeRest, afterRest) && deepEqual(existing['status'], result['status']) && deepEqual(specPart(existing), specPart(result))) {
        return clone(existing);
      }
    }
    if (options.dryRun === true) {
      // A dry-run create has no resourceVersion yet; a dry-run update shows the stored one.
      if (existing === undefined) delete metadata['resourceVersion'];
      else metadata['resourceVersion'] = metadataOf(existing)['resourceVersion'] ?? '';
      return result;
    }
    this.revision += 1;
    metadata['resourceVersion'] = String(this.revision);
    this.objects.set(k, clone(result));
    this.announce({ type: existing === undefined ? 'ADDED' : 'MODIFIED', resource, object: clone(result), resourceVersion: this.revision });
    return result;
  }

  delete(resource: Resource, namespace: string | null, name: string, options: { dryRun?: boolean } = {}): JsonObject | null {
    const k = key(resource, namespace, name);
    const existing = this.objects.get(k);
    if (existing === undefined) return null;
    if (options.dryRun === true) return clone(existing);
    this.objects.delete(k);
    this.revision += 1;
    const object = clone(existing);
    metadataOf(object)['resourceVersion'] = String(this.revision);
    this.announce({ type: 'DELETED', resource, object: clone(object), resourceVersion: this.revision });
    return object;
  }

  /** Changes after `resourceVersion`, oldest first. */
  changesSince(resourceVersion: number): Change[] {
    return this.history.filter((c) => c.resourceVersion > resourceVersion);
  }

  subscribe(listener: (change: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(change: Change): void {
    this.history.push(change);
    for (const listener of this.listeners) listener(change);
  }
}

/** The resource of an object by its apiVersion and kind; throws for kinds the stub does not serve. */
export function resourceOf(object: JsonObject): Resource {
  const resource = resourceByKind(String(object['apiVersion']), String(object['kind']));
  if (resource === undefined) throw new Error(`the stub API server does not serve ${String(object['apiVersion'])} ${String(object['kind'])}`);
  return resource;
}
