/**
 * The three patch bodies the stub accepts besides apply: JSON merge patch (RFC 7386,
 * `application/merge-patch+json`, what `kubectl scale` sends to /scale), strategic merge patch
 * (`application/strategic-merge-patch+json`, what `kubectl set image` sends) and JSON patch
 * (RFC 6902, `application/json-patch+json`).
 * Strategic merge uses the merge keys of ./fields (containers by name…) and the directives kubectl
 * generates: `$patch: delete|replace|merge`, `$setElementOrder/<list>`, `$retainKeys` and
 * `$deleteFromPrimitiveList/<list>`.
 */
import { clone, isObject, keyElement, listKeys } from './fields';
import type { Json, JsonObject } from './fields';

export class PatchError extends Error {}

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

export function strategicMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch['$patch'] === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return stripDirectives(rest);
  }
  if (patch['$patch'] === 'delete') return null;
  const result: JsonObject = isObject(target) ? clone(target) : {};
  const retainKeys = patch['$retainKeys'];
  if (Array.isArray(retainKeys)) {
    for (const key of Object.keys(result)) if (!retainKeys.includes(key)) delete result[key];
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const list = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[list];
      if (Array.isArray(current) && Array.isArray(value)) result[list] = current.filter((x) => !value.includes(x));
      continue;
    }
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      result[key] = mergeList(result[key], value, key, patch[`$setElementOrder/${key}`]);
    } else {
      result[key] = strategicMergePatch(result[key], value);
    }
  }
  return result;
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) if (!key.startsWith('$')) result[key] = stripDirectives(child);
  return result;
}

function mergeList(target: Json | undefined, patch: Json[], field: string, order: Json | undefined): Json[] {
  const keys = listKeys(field, patch);
  const current = Array.isArray(target) ? target : [];
  if (keys === null || !patch.every(isObject)) return clone(patch);
  if (patch.some((item) => isObject(item) && item['$patch'] === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item['$patch'] === 'replace')).map(stripDirectives);
  }
  const result = clone(current);
  for (const item of patch as JsonObject[]) {
    const element = keyElement(item, keys);
    const index = result.findIndex((x) => keyElement(x, keys) === element);
    if (item['$patch'] === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = strategicMergePatch(result[index], item);
    } else {
      result.push(stripDirectives(item));
    }
  }
  if (Array.isArray(order)) {
    const rank = (item: Json): number => {
      const i = order.findIndex((o) => keyElement(o, keys) === keyElement(item, keys));
      return i < 0 ? order.length : i;
    };
    result.sort((a, b) => rank(a) - rank(b));
  }
  return result;
}

/** RFC 6902 (add, remove, replace, test, move, copy) over JSON pointers. */
export function jsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new PatchError('json patch must be an array of operations');
  let document = clone(target);
  for (const op of operations) {
    if (!isObject(op) || typeof op['op'] !== 'string' || typeof op['path'] !== 'string') {
      throw new PatchError('invalid json patch operation');
    }
    const path = op['path'];
    switch (op['op']) {
      case 'add':
      case 'replace':
        document = setPointer(document, path, clone(op['value'] ?? null), op['op'] === 'add');
        break;
      case 'remove':
        document = removePointer(document, path);
        break;
      case 'test':
        if (JSON.stringify(getPointer(document, path)) !== JSON.stringify(op['value'])) {
          throw new PatchError(`testing value ${path} failed`);
        }
        break;
      case 'move':
      case 'copy': {
        const from = String(op['from']);
        const value = clone(getPointer(document, from));
        if (op['op'] === 'move') document = removePointer(document, from);
        document = setPointer(document, path, value, true);
        break;
      }
      default:
        throw new PatchError(`unexpected kind of json patch operation: ${op['op']}`);
    }
  }
  return document;
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getPointer(document: Json, pointer: string): Json {
  let node: Json | undefined = document;
  for (const token of tokens(pointer)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(`doc is missing path: "${pointer}"`);
  }
  return node;
}

function setPointer(document: Json, pointer: string, value: Json, insert: boolean): Json {
  const parts = tokens(pointer);
  if (parts.length === 0) return value;
  const parent = getPointer(
    document,
    `/${parts
      .slice(0, -1)
      .map((t) => t.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/')}`.replace(/^\/$/, ''),
  );
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (insert) parent.splice(index, 0, value);
    else parent[index] = value;
  } else if (isObject(parent)) {
    if (!insert && !(last in parent)) throw new PatchError(`replace operation does not apply: doc is missing key: ${pointer}`);
    parent[last] = value;
  } else {
    throw new PatchError(`doc is missing path: "${pointer}"`);
  }
  return document;
}

function removePointer(document: Json, pointer: string): Json {
  const parts = tokens(pointer);
  const parent = getPointer(document, `/${parts.slice(0, -1).join('/')}`.replace(/^\/$/, ''));
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else if (isObject(parent) && last in parent) delete parent[last];
  else throw new PatchError(`remove operation does not apply: doc is missing path: "${pointer}"`);
  return document;
}
