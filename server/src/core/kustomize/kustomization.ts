/**
 * What a kustomization file says about images, as plain data: the resources it builds on (files,
 * folders with a kustomization, remote bases), its components, its `images:` transformer entries,
 * the `configurations:` files that can name more image fields, and the files it applies as patches.
 * kustomize reads the file's first document with sigs.k8s.io/yaml; `bases:` are appended to
 * `resources:` and `imageTags:` to `images:`, as its FixKustomization does
 * (kubernetes-sigs/kustomize api/types/kustomization.go). Paths stay as written, relative to the
 * kustomization's folder: the front ends, which know where the file is, resolve them.
 * The strings kept are detached from the text (manifest/detach.ts), because front ends keep this.
 */
import { detach } from '../manifest/detach';
import { splitDocuments } from '../manifest/documents';
import { fastParse } from '../manifest/fastParse';
import { plainScalarType } from '../manifest/plainScalarType';
import { slowParse } from '../manifest/slowParse';
import { findPair, getScalar, getSeq, isNullScalar } from '../manifest/yamlTree';
import type { YamlMap, YamlNode } from '../manifest/yamlTree';
import type { Span } from '../span';

/** The names kustomize looks for in a folder (konfig.RecognizedKustomizationFileNames), in its order. */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Kustomization files are a few kilobytes; a larger one is not read at all. */
export const MAX_KUSTOMIZATION_CHARS = 1024 * 1024;
/** Entries taken from each list of one kustomization. */
const MAX_ENTRIES = 1000;
/** Longer than any path a file system accepts (PATH_MAX is 4096). */
const MAX_PATH_CHARS = 4096;

/** The fields of an `images:` entry (kustomize's types.Image). */
export const IMAGE_ENTRY_KEYS = ['name', 'newName', 'newTag', 'digest', 'tagSuffix'] as const;
export type ImageEntryKey = (typeof IMAGE_ENTRY_KEYS)[number];

/** What the keys read here hold; the fast parser must decode them even as block scalars. */
const DECODED_KEYS: ReadonlySet<string> = new Set(['kind', 'resources', 'bases', 'components', 'configurations', 'path', ...IMAGE_ENTRY_KEYS]);

/** One field of an `images:` entry with its span in the kustomization text. */
export interface EntryField extends Span {
  /** The string kustomize reads; a null value reads as "" (not set). */
  readonly value: string;
  /** What YAML reads the value as; kustomize refuses a kustomization where it is not a string. */
  readonly reads: 'string' | 'number' | 'boolean' | 'mapping' | 'sequence';
}

/** One `images:` (or `imageTags:`) entry: an image transformer. */
export interface KustomizeImageEntry extends Span {
  /** `images[0]`, `imageTags[1]`: where it is, for people. */
  readonly where: string;
  readonly fields: Readonly<Partial<Record<ImageEntryKey, EntryField>>>;
}

export interface Kustomization {
  /** `Kustomization` or `Component`, as written (`Kustomization` when left out). */
  readonly kind: string;
  /** `resources:` then `bases:`, in order. */
  readonly resources: readonly string[];
  readonly components: readonly string[];
  /** `images:` then `imageTags:`, in order: kustomize applies them one after the other. */
  readonly images: readonly KustomizeImageEntry[];
  readonly configurations: readonly string[];
  /** Files it applies as patches: `patches:` and `patchesJson6902:` entries with a `path:`, `patchesStrategicMerge:` entries that name a file. */
  readonly patches: readonly string[];
}

/** A local path as written, or null: empty, too long, inline YAML (a patch written in place), or a URL. */
function pathOf(node: YamlNode | null | undefined, remoteAllowed: boolean): string | null {
  if (node?.type !== 'scalar' || isNullScalar(node)) return null;
  const path = node.value.trim();
  if (path === '' || path.length > MAX_PATH_CHARS || /[\n\0]/.test(path) || /^[{[]/.test(path) || (!remoteAllowed && path.includes('://'))) return null;
  return detach(path);
}

function entryPath(entry: YamlNode | null): string | null {
  return entry?.type === 'map' ? pathOf(getScalar(entry, 'path'), false) : null;
}

function listed(root: YamlMap, keys: readonly string[], read: (entry: YamlNode | null) => string | null): string[] {
  const found: string[] = [];
  for (const key of keys) {
    for (const entry of getSeq(root, key)?.items ?? []) {
      const path = read(entry);
      if (path !== null && found.length < MAX_ENTRIES) found.push(path);
    }
  }
  return found;
}

function patchesOf(root: YamlMap): string[] {
  return [
    ...listed(root, ['patches'], entryPath),
    ...listed(root, ['patchesStrategicMerge'], (e) => pathOf(e, false)),
    ...listed(root, ['patchesJson6902'], entryPath),
  ];
}

function entryField(map: YamlMap, key: ImageEntryKey): EntryField | null {
  const value = findPair(map, key)?.value;
  if (!value) return null;
  if (value.type !== 'scalar') return { value: '', reads: value.type === 'map' ? 'mapping' : 'sequence', start: value.start, end: value.end };
  if (isNullScalar(value)) return { value: '', reads: 'string', start: value.start, end: value.end };
  const reads = value.style === 'plain' ? plainScalarType(value.value) : 'string';
  return { value: detach(value.value), reads, start: value.start, end: value.end };
}

function imagesOf(root: YamlMap): KustomizeImageEntry[] {
  const entries: KustomizeImageEntry[] = [];
  for (const key of ['images', 'imageTags']) {
    getSeq(root, key)?.items.forEach((item, index) => {
      if (item?.type !== 'map' || entries.length >= MAX_ENTRIES) return;
      const fields: Partial<Record<ImageEntryKey, EntryField>> = {};
      for (const name of IMAGE_ENTRY_KEYS) {
        const field = entryField(item, name);
        if (field) fields[name] = field;
      }
      entries.push({ where: `${key}[${index}]`, start: item.start, end: item.end, fields });
    });
  }
  return entries;
}

/** The first document's root mapping of a kustomization text, or null when it has none or is too large to be one. */
function rootOf(text: string): YamlMap | null {
  if (text.length > MAX_KUSTOMIZATION_CHARS) return null;
  for (const { start, end } of splitDocuments(text)) {
    const root = (fastParse(text, start, end, DECODED_KEYS) ?? slowParse(text, start, end)).root;
    if (root?.type === 'map') return root;
  }
  return null;
}

/** What the kustomization `text` says (spans are offsets into it), or null when it is no mapping or too large. */
export function readKustomization(text: string): Kustomization | null {
  const root = rootOf(text);
  if (root === null) return null;
  const kind = getScalar(root, 'kind');
  return {
    kind: kind && !isNullScalar(kind) ? detach(kind.value) : 'Kustomization',
    resources: listed(root, ['resources', 'bases'], (e) => pathOf(e, true)),
    components: listed(root, ['components'], (e) => pathOf(e, true)),
    images: imagesOf(root),
    configurations: listed(root, ['configurations'], (e) => pathOf(e, false)),
    patches: patchesOf(root),
  };
}

/** The patch paths the kustomization `text` lists, as written; none when it is too large to be one. */
export function kustomizationPatches(text: string): readonly string[] {
  return readKustomization(text)?.patches ?? [];
}
