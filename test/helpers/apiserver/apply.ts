/**
 * Field ownership: server-side apply (operation Apply) and the ownership every other write takes
 * (operation Update), recorded in `metadata.managedFields` like kube-apiserver does.
 *
 * Apply, after structured-merge-diff: the applied configuration is merged into the live object
 * (maps recursively, associative lists by key, everything else replaced); fields the same manager
 * applied before and no longer applies are removed unless another manager owns them too; a field whose
 * value changes while another manager owns it is a conflict (409) unless `force` moves it over.
 * Update: whoever changed a field owns it from then on, and nobody else does.
 */
import { atomicMap, clone, deepEqual, fieldsOf, FieldSet, isObject, keyElement, listKeys, pathString, removeAt, valueAt, changedFields } from './fields';
import type { Json, JsonObject, Path } from './fields';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

export interface FieldConflict {
  /** The manager as the server prints it: `"kubectl"`, `"kubectl-set" using apps/v1`. */
  readonly manager: string;
  /** `.spec.replicas` */
  readonly field: string;
}

export class ApplyConflictError extends Error {
  constructor(readonly conflicts: readonly FieldConflict[]) {
    super(conflictMessage(conflicts));
  }
}

/** structured-merge-diff's wording, one line per manager and field. */
function conflictMessage(conflicts: readonly FieldConflict[]): string {
  if (conflicts.length === 1) {
    return `Apply failed with 1 conflict: conflict with ${conflicts[0].manager}: ${conflicts[0].field}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const lines = [...byManager.keys()].sort().flatMap((m) => [`conflicts with ${m}:`, ...byManager.get(m)!.map((f) => `- ${f}`)]);
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** How the server names a manager in conflicts: appliers without their apiVersion, updaters with it. */
function printManager(entry: ManagedFieldsEntry): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  return entry.operation === 'Update' ? `${text} using ${entry.apiVersion}` : text;
}

export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function entriesOf(object: JsonObject | null): ManagedFieldsEntry[] {
  const metadata = object?.['metadata'];
  const entries = isObject(metadata) ? metadata['managedFields'] : undefined;
  return Array.isArray(entries) ? (clone(entries) as unknown as ManagedFieldsEntry[]) : [];
}

function sameIdentity(entry: ManagedFieldsEntry, other: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): boolean {
  return (
    entry.manager === other.manager &&
    entry.operation === other.operation &&
    (entry.subresource ?? '') === (other.subresource ?? '') &&
    (entry.operation === 'Apply' || entry.apiVersion === other.apiVersion)
  );
}

function setEntries(object: JsonObject, entries: ManagedFieldsEntry[]): void {
  const metadata = object['metadata'] as JsonObject;
  const kept = entries.filter((e) => FieldSet.fromFieldsV1(e.fieldsV1).size > 0);
  if (kept.length > 0) metadata['managedFields'] = kept as unknown as Json;
  else delete metadata['managedFields'];
}

/** Removes a field and then the maps and lists the removal left empty, as structured-merge-diff does. */
function removeEmptied(object: JsonObject, path: Path): void {
  if (!removeAt(object, path)) return;
  for (let end = path.length - 1; end > 1; end -= 1) {
    const parent = valueAt(object, path.slice(0, end));
    const empty = Array.isArray(parent) ? parent.length === 0 : isObject(parent) && Object.keys(parent).length === 0;
    if (!empty || !removeAt(object, path.slice(0, end))) return;
  }
}

function withoutManagedFields(object: JsonObject): JsonObject {
  const copy = clone(object);
  if (isObject(copy['metadata'])) delete copy['metadata']['managedFields'];
  return copy;
}

function mergeApplied(live: Json | undefined, applied: Json, field: string): Json {
  if (isObject(applied) && isObject(live) && !atomicMap(field)) {
    const result = clone(live);
    for (const [key, value] of Object.entries(applied)) result[key] = mergeApplied(live[key], value, key);
    return result;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const keys = listKeys(field, applied);
    if (keys !== null) return mergeList(live, applied, (item) => keyElement(item, keys), field);
  }
  return clone(applied);
}

/**
 * An associative list merged in structured-merge-diff's order (typed/merge.go, visitListItems): live
 * items keep their place, applied items come in the applied order, and an item only the applied list has
 * goes right before the next item both lists have. So a renamed container or re-keyed port takes the
 * old one's place once the old one is pruned.
 */
function mergeList(live: Json[], applied: Json[], key: (item: Json) => string, field: string): Json[] {
  const liveByKey = new Map(live.map((item) => [key(item), item]));
  const appliedKeys = new Set(applied.map(key));
  const shared = applied.map(key).filter((k) => liveByKey.has(k));
  let nextShared = 0;
  const result: Json[] = [];
  let l = 0;
  let r = 0;
  while (l < live.length || r < applied.length) {
    const liveKey = l < live.length ? key(live[l]) : undefined;
    if (liveKey !== undefined && r < applied.length) {
      if (liveKey === key(applied[r])) {
        result.push(mergeApplied(live[l], applied[r], field));
        l += 1;
        r += 1;
        nextShared += 1;
        continue;
      }
      // A shared item out of the applied order waits for its turn among the applied items.
      if (appliedKeys.has(liveKey) && shared[nextShared] !== liveKey) {
        l += 1;
        continue;
      }
    }
    if (liveKey !== undefined && !appliedKeys.has(liveKey)) {
      result.push(clone(live[l]));
      l += 1;
    } else if (r < applied.length) {
      const appliedKey = key(applied[r]);
      result.push(mergeApplied(liveByKey.get(appliedKey), applied[r], field));
      r += 1;
      if (shared[nextShared] === appliedKey) nextShared += 1;
    } else {
      l += 1; // a shared item already merged from the applied side
    }
  }
  return result;
}

/**
 * The object after `manager` applies `applied` to `live` (null: the object does not exist yet),
 * with managedFields updated. Throws ApplyConflictError unless `force`.
 * Server-owned metadata and status are the caller's business.
 */
export function applyConfiguration(live: JsonObject | null, applied: JsonObject, manager: string, force: boolean, time: string): JsonObject {
  const apiVersion = String(applied['apiVersion']);
  const identity = { manager, operation: 'Apply' as const, apiVersion };
  const entries = entriesOf(live);
  const own = entries.find((e) => sameIdentity(e, identity));
  const others = entries.filter((e) => e !== own);
  const appliedFields = fieldsOf(applied);
  const base: JsonObject = live === null ? {} : clone(live);

  // Fields this manager stops applying go away unless a manager (appliers and updaters alike) still owns
  // them, as structured-merge-diff's prune does (merge/update.go: prune, addBackOwnedItems,
  // addBackDanglingItems). A list item nobody else owns goes whole, with the fields nobody owns (defaults)
  // and any field another manager owns inside it; it goes before its fields, since its key is found through them.
  if (own !== undefined) {
    const dropped = FieldSet.fromFieldsV1(own.fieldsV1)
      .minus(appliedFields)
      .paths()
      .filter((p) => !others.some((o) => FieldSet.fromFieldsV1(o.fieldsV1).has(p)))
      .sort((a, b) => a.length - b.length);
    for (const path of dropped) removeEmptied(base, path);
  }
  const metadataOfLive = base['metadata'];
  const { metadata: appliedMetadata, ...appliedRest } = applied;
  const merged = mergeApplied(base, appliedRest, '') as JsonObject;
  merged['metadata'] = mergeApplied(isObject(metadataOfLive) ? metadataOfLive : {}, appliedMetadata ?? {}, 'metadata');

  const conflicts: { entry: ManagedFieldsEntry; path: Path }[] = [];
  for (const entry of others) {
    for (const path of FieldSet.fromFieldsV1(entry.fieldsV1).paths()) {
      if (!appliedFields.has(path) || !path[path.length - 1].startsWith('f:')) continue;
      if (!deepEqual(valueAt(live ?? undefined, path), valueAt(merged, path))) conflicts.push({ entry, path });
    }
  }
  if (conflicts.length > 0 && !force) {
    throw new ApplyConflictError(conflicts.map((c) => ({ manager: printManager(c.entry), field: pathString(c.path) })));
  }
  for (const { entry, path } of conflicts) {
    const set = FieldSet.fromFieldsV1(entry.fieldsV1);
    set.delete(path);
    entry.fieldsV1 = set.toFieldsV1();
  }
  const fieldsV1 = appliedFields.toFieldsV1();
  // An apply that changes nothing keeps the entry's time, so the object stays as it was (no new resourceVersion).
  const unchanged =
    own !== undefined &&
    deepEqual(own.fieldsV1, fieldsV1) &&
    conflicts.length === 0 &&
    live !== null &&
    deepEqual(withoutManagedFields(live), withoutManagedFields(merged));
  const ownEntry: ManagedFieldsEntry = {
    manager,
    operation: 'Apply',
    apiVersion,
    time: unchanged ? own.time : time,
    fieldsType: 'FieldsV1',
    fieldsV1,
  };
  setEntries(merged, own === undefined ? [...others, ownEntry] : entries.map((e) => (e === own ? ownEntry : e)));
  return merged;
}

/**
 * The managedFields an update (PUT, or a PATCH that is not an apply) starts from, decided like
 * kube-apiserver's field manager (fieldmanager.go, decodeManagedFields): `[]` or `[{}]` in the request
 * resets them; a readable non-empty list in the request replaces them (kubectl's migration from
 * client-side to server-side apply writes them with a JSON patch); anything else keeps the live object's,
 * so a client that drops the field loses nothing. Writes to a subresource always keep the live object's.
 */
export function managedFieldsForUpdate(live: JsonObject, sent: JsonObject, subresource: string | undefined): Json | undefined {
  const liveFields = isObject(live['metadata']) ? live['metadata']['managedFields'] : undefined;
  const sentFields = isObject(sent['metadata']) ? sent['metadata']['managedFields'] : undefined;
  if (subresource !== undefined || !Array.isArray(sentFields)) return liveFields;
  if (sentFields.length === 0 || (sentFields.length === 1 && deepEqual(sentFields[0], {}))) return undefined;
  return sentFields.every(readableEntry) ? clone(sentFields) : liveFields;
}

function readableEntry(entry: Json): boolean {
  return (
    isObject(entry) &&
    typeof entry['manager'] === 'string' &&
    (entry['operation'] === 'Apply' || entry['operation'] === 'Update') &&
    entry['fieldsType'] === 'FieldsV1' &&
    isObject(entry['fieldsV1'])
  );
}

/**
 * Records an Update by `manager` (PUT, or a PATCH that is not an apply) on `after`: it owns what it
 * changed, and every other manager loses those fields.
 */
export function recordUpdate(before: JsonObject | null, after: JsonObject, manager: string, subresource: string | undefined, time: string): void {
  const apiVersion = String(after['apiVersion']);
  const includeStatus = subresource === 'status';
  const { changed, removed } = changedFields(before ?? { metadata: {} }, after, { includeStatus });
  const entries = entriesOf(before);
  const touched = changed.union(removed);
  for (const entry of entries) {
    entry.fieldsV1 = FieldSet.fromFieldsV1(entry.fieldsV1).minus(touched).toFieldsV1();
  }
  if (changed.size > 0) {
    const identity = { manager, operation: 'Update' as const, apiVersion, subresource };
    const existing = entries.find((e) => sameIdentity(e, identity));
    const owned = FieldSet.fromFieldsV1(existing?.fieldsV1 ?? {}).union(changed);
    const entry: ManagedFieldsEntry = {
      manager,
      operation: 'Update',
      apiVersion,
      time,
      fieldsType: 'FieldsV1',
      fieldsV1: owned.toFieldsV1(),
      ...(subresource ? { subresource } : {}),
    };
    if (existing !== undefined) entries[entries.indexOf(existing)] = entry;
    else entries.push(entry);
  }
  setEntries(after, entries);
}
