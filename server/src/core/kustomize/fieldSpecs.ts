/**
 * Where kustomize's image transformer looks besides `containers` and `initContainers` lists: its field
 * specs. The defaults are api/internal/konfig/builtinpluginconsts/images.go; a kustomization's
 * `configurations:` files add their own `images:` specs (examples/transformerconfigs/images), and a
 * build merges the specs of every kustomization it reads, one per kind and path
 * (builtinconfig.TransformerConfig.Merge, types.FsSlice.MergeAll), all at kustomize tag api/v0.18.0.
 */
import { splitDocuments } from '../manifest/documents';
import { slowParse } from '../manifest/slowParse';
import { getScalar, getSeq, isNullScalar } from '../manifest/yamlTree';
import type { YamlMap } from '../manifest/yamlTree';
import { MAX_KUSTOMIZATION_CHARS } from './kustomization';

export interface FieldSpec {
  /** Empty matches any. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The path's fields, `[]` suffixes dropped: the walk enters every item of a list it meets anyway. */
  readonly fields: readonly string[];
  /** Kind and path as kustomize compares specs when it merges them. */
  readonly key: string;
}

/** Specs taken from one configurations file. */
const MAX_SPECS = 1000;

/**
 * kyaml's PathSplitter: `/`-separated, a leading `/` allowed, `\/` for a slash inside a field name;
 * then each field without its `[]` (fieldspec.isSequenceField).
 */
function fieldsOf(path: string): string[] {
  const parts = path.split('/');
  if (parts.length > 1 && parts[0] === '') parts.shift();
  const joined: string[] = [parts[0]];
  for (const part of parts.slice(1)) {
    const last = joined.length - 1;
    if (joined[last].endsWith('\\')) joined[last] = `${joined[last].slice(0, -1)}/${part}`;
    else joined.push(part);
  }
  return joined.map((field) => (field.endsWith('[]') ? field.slice(0, -2) : field));
}

export function fieldSpec(path: string, kind = '', group = '', version = ''): FieldSpec {
  return { group, version, kind, fields: fieldsOf(path), key: `${group}/${version}/${kind}:${path}` };
}

/** The specs kustomize starts every build with. */
export const DEFAULT_IMAGE_SPECS: readonly FieldSpec[] = [
  fieldSpec('spec/containers[]/image'),
  fieldSpec('spec/initContainers[]/image'),
  fieldSpec('spec/template/spec/containers[]/image'),
  fieldSpec('spec/template/spec/initContainers[]/image'),
];

/** `specs` and the ones of `more` it does not hold yet, in order. */
export function mergeSpecs(specs: readonly FieldSpec[], more: readonly FieldSpec[]): readonly FieldSpec[] {
  const keys = new Set(specs.map((spec) => spec.key));
  const added = more.filter((spec) => !keys.has(spec.key) && keys.add(spec.key));
  return added.length === 0 ? specs : [...specs, ...added];
}

function text(map: YamlMap, key: string): string {
  const scalar = getScalar(map, key);
  return scalar && !isNullScalar(scalar) ? scalar.value : '';
}

/** The `images:` specs of a configurations file; null when it is no mapping (kustomize refuses it). */
export function readImageSpecs(source: string): FieldSpec[] | null {
  if (source.length > MAX_KUSTOMIZATION_CHARS) return null;
  const first = splitDocuments(source)[0];
  const root = first ? slowParse(source, first.start, first.end).root : null;
  if (root === null) return [];
  if (root.type !== 'map') return null;
  const specs: FieldSpec[] = [];
  for (const item of getSeq(root, 'images')?.items ?? []) {
    if (item?.type !== 'map' || specs.length >= MAX_SPECS) continue;
    const path = text(item, 'path');
    if (path !== '') specs.push(fieldSpec(path, text(item, 'kind'), text(item, 'group'), text(item, 'version')));
  }
  return specs;
}
