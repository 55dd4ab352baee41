/**
 * Field sets in the shape the API server records them in `managedFields[].fieldsV1`, and the little
 * schema knowledge they need. A path is a list of elements written the way fieldsV1 writes them:
 * `f:spec` for a field, `k:{"name":"web"}` for the item of an associative list.
 *
 * The real server walks an OpenAPI schema (structured-merge-diff). This one knows the associative lists
 * and atomic fields of the workload kinds by field name, which is what matters for image fields:
 * containers merge by name, env and volumes by name, container ports by containerPort+protocol, status
 * conditions by type, and label selectors are atomic. Every other list is atomic (owned and replaced as a whole).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };
export type Path = readonly string[];

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The merge keys of an associative list, by its field name and what its items look like; null for atomic lists. */
export function listKeys(field: string, items: readonly Json[]): readonly string[] | null {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'env':
    case 'volumes':
    case 'imagePullSecrets':
      return ['name'];
    case 'volumeMounts':
      return ['mountPath'];
    case 'conditions':
      return ['type'];
    case 'ports':
      // Container ports are keyed by containerPort+protocol, Service ports by port+protocol.
      return items.some((item) => isObject(item) && 'containerPort' in item) ? ['containerPort', 'protocol'] : ['port', 'protocol'];
    default:
      return null;
  }
}

/** Maps the schema declares atomic: owned as one value, never merged. */
export function atomicMap(field: string): boolean {
  return field === 'selector';
}

/** The key values of a list item, with the schema default for `protocol` (TCP) filled in like the server does. */
function keyOf(item: Json, keys: readonly string[]): JsonObject {
  const key: JsonObject = {};
  for (const name of [...keys].sort()) {
    const value = isObject(item) ? item[name] : undefined;
    if (value !== undefined) key[name] = value;
    else if (name === 'protocol') key[name] = 'TCP';
  }
  return key;
}

export function keyElement(item: Json, keys: readonly string[]): string {
  return `k:${JSON.stringify(keyOf(item, keys))}`;
}

/** Fields the server never records as owned (they identify the object or are set by the server). */
const UNOWNED = new Set([
  'f:apiVersion',
  'f:kind',
  'f:metadata/f:name',
  'f:metadata/f:namespace',
  'f:metadata/f:uid',
  'f:metadata/f:resourceVersion',
  'f:metadata/f:generation',
  'f:metadata/f:creationTimestamp',
  'f:metadata/f:managedFields',
  'f:metadata/f:selfLink',
  'f:metadata/f:generateName',
]);

/** A set of paths, each stored as its JSON text. */
export class FieldSet {
  private readonly members = new Set<string>();

  static of(paths: Iterable<Path>): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.add(p);
    return set;
  }

  add(path: Path): void {
    this.members.add(JSON.stringify(path));
  }
  has(path: Path): boolean {
    return this.members.has(JSON.stringify(path));
  }
  delete(path: Path): void {
    this.members.delete(JSON.stringify(path));
  }
  get size(): number {
    return this.members.size;
  }
  paths(): Path[] {
    return [...this.members].map((m) => JSON.parse(m) as string[]);
  }
  union(other: FieldSet): FieldSet {
    return FieldSet.of([...this.paths(), ...other.paths()]);
  }
  minus(other: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((p) => !other.has(p)));
  }

  /** The fieldsV1 tree: a member that also has members below it gets a "." entry. */
  toFieldsV1(): JsonObject {
    const root: JsonObject = {};
    const paths = this.paths();
    for (const path of paths) {
      let node = root;
      for (const element of path) {
        if (!isObject(node[element])) node[element] = {};
        node = node[element] as JsonObject;
      }
    }
    for (const path of paths) {
      let node = root;
      for (const element of path) node = node[element] as JsonObject;
      if (Object.keys(node).length > 0) node['.'] = {};
    }
    return sortTree(root);
  }

  static fromFieldsV1(tree: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, path: string[]): void => {
      if (!isObject(node)) return;
      const children = Object.keys(node).filter((k) => k !== '.');
      if (path.length > 0 && (children.length === 0 || '.' in node)) set.add(path);
      for (const child of children) walk(node[child], [...path, child]);
    };
    walk(tree, []);
    return set;
  }
}

function sortTree(node: JsonObject): JsonObject {
  const sorted: JsonObject = {};
  for (const key of Object.keys(node).sort()) sorted[key] = isObject(node[key]) ? sortTree(node[key] as JsonObject) : node[key];
  return sorted;
}

/**
 * The fields an object sets: every leaf, every item of an associative list (as a member of its own,
 * like the server's "." entry), empty maps, and atomic values as one field. `status` is left out
 * because it is a subresource of every kind that has one here.
 */
export function fieldsOf(object: JsonObject, options: { includeStatus?: boolean } = {}): FieldSet {
  const set = new FieldSet();
  const walk = (value: Json, path: string[], field: string): void => {
    if (isObject(value) && !atomicMap(field) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) walk(child, [...path, `f:${key}`], key);
      return;
    }
    if (Array.isArray(value)) {
      const keys = listKeys(field, value);
      if (keys !== null && value.length > 0) {
        for (const item of value) {
          const itemPath = [...path, keyElement(item, keys)];
          set.add(itemPath);
          if (isObject(item)) for (const [key, child] of Object.entries(item)) walk(child, [...itemPath, `f:${key}`], key);
        }
        return;
      }
    }
    if (!UNOWNED.has(path.join('/'))) set.add(path);
  };
  for (const [key, value] of Object.entries(object)) {
    if (key === 'status' && options.includeStatus !== true) continue;
    if (key === 'apiVersion' || key === 'kind') continue;
    if (key === 'metadata' && isObject(value)) {
      for (const [metaKey, metaValue] of Object.entries(value)) {
        const path = ['f:metadata', `f:${metaKey}`];
        if (!UNOWNED.has(path.join('/'))) walk(metaValue, path, metaKey);
      }
      continue;
    }
    walk(value, [`f:${key}`], key);
  }
  return set;
}

/** The value at a path, or undefined. */
export function valueAt(object: Json | undefined, path: Path): Json | undefined {
  let node: Json | undefined = object;
  let field = '';
  for (const element of path) {
    if (element.startsWith('f:')) {
      field = element.slice(2);
      node = isObject(node) ? node[field] : undefined;
    } else if (element.startsWith('k:')) {
      if (!Array.isArray(node)) return undefined;
      const list: Json[] = node;
      const keys = listKeys(field, list);
      if (keys === null) return undefined;
      node = list.find((item) => keyElement(item, keys) === element);
    } else {
      return undefined;
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/** Removes the field or list item at a path; true when something was removed. */
export function removeAt(object: JsonObject, path: Path): boolean {
  const parent = valueAt(object, path.slice(0, -1));
  const last = path[path.length - 1];
  if (last.startsWith('f:') && isObject(parent) && last.slice(2) in parent) {
    delete parent[last.slice(2)];
    return true;
  }
  if (last.startsWith('k:') && Array.isArray(parent)) {
    const field = path[path.length - 2]?.slice(2) ?? '';
    const keys = listKeys(field, parent);
    const index = keys === null ? -1 : parent.findIndex((item) => keyElement(item, keys) === last);
    if (index >= 0) {
      parent.splice(index, 1);
      return true;
    }
  }
  return false;
}

/** `.spec.template.spec.containers[name="web"].image`: how the server writes a path in conflict messages. */
export function pathString(path: Path): string {
  return path
    .map((element) => {
      if (element.startsWith('f:')) return `.${element.slice(2)}`;
      const key = JSON.parse(element.slice(2)) as JsonObject;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

/**
 * The fields that differ between two versions of an object: set or changed in `after` (added/modified),
 * and gone from `before` (removed). Used for the ownership an Update (PUT, non-apply PATCH) takes.
 */
export function changedFields(
  before: JsonObject,
  after: JsonObject,
  options: { includeStatus?: boolean } = {},
): {
  changed: FieldSet;
  removed: FieldSet;
} {
  const beforeFields = fieldsOf(before, options);
  const afterFields = fieldsOf(after, options);
  const changed = FieldSet.of(
    afterFields.paths().filter((p) => {
      if (!beforeFields.has(p)) return true;
      const last = p[p.length - 1];
      return last.startsWith('f:') && !deepEqual(valueAt(before, p), valueAt(after, p));
    }),
  );
  const removed = beforeFields.minus(afterFields);
  return { changed, removed };
}
