/**
 * The files a kustomization applies as patches: `patches:` entries with a `path:`,
 * `patchesStrategicMerge:` entries that name a file (the others are inline patches, written as
 * YAML inside the string), and `patchesJson6902:` entries with a `path:`. A patch names only the
 * fields it changes, so a container there has no image by design.
 * Paths come back as written, relative to the kustomization's folder (`../` included); the front
 * ends, which know the file's location, resolve them. Nothing here reads a file.
 */
import { splitDocuments } from './manifest/documents';
import { fastParse } from './manifest/fastParse';
import { slowParse } from './manifest/slowParse';
import { getScalar, getSeq, isNullScalar } from './manifest/yamlTree';
import type { YamlMap, YamlNode } from './manifest/yamlTree';

/** Kustomization files are a few kilobytes; a larger one is not read for patches at all. */
export const MAX_KUSTOMIZATION_CHARS = 1024 * 1024;
/** Patch paths taken from one kustomization. */
const MAX_PATCHES = 1000;
/** Longer than any path a file system accepts (PATH_MAX is 4096). */
const MAX_PATH_CHARS = 4096;

function pathOf(node: YamlNode | null | undefined): string | null {
  if (node?.type !== 'scalar' || isNullScalar(node)) return null;
  const path = node.value.trim();
  // An inline patch spans lines or is a flow mapping; a remote or empty name is no local file.
  if (path === '' || path.length > MAX_PATH_CHARS || /[\n\0]/.test(path) || /^[{[]/.test(path) || path.includes('://')) return null;
  return path;
}

function entryPath(entry: YamlNode | null): string | null {
  return entry?.type === 'map' ? pathOf(getScalar(entry, 'path')) : null;
}

function patchesOf(root: YamlMap): string[] {
  const paths: string[] = [];
  const add = (path: string | null): void => {
    if (path !== null && paths.length < MAX_PATCHES) paths.push(path);
  };
  for (const entry of getSeq(root, 'patches')?.items ?? []) add(entryPath(entry));
  for (const entry of getSeq(root, 'patchesStrategicMerge')?.items ?? []) add(pathOf(entry));
  for (const entry of getSeq(root, 'patchesJson6902')?.items ?? []) add(entryPath(entry));
  return paths;
}

/** The patch paths the kustomization `text` lists, as written; none when it is too large to be one. */
export function kustomizationPatches(text: string): string[] {
  if (text.length > MAX_KUSTOMIZATION_CHARS) return [];
  for (const { start, end } of splitDocuments(text)) {
    const root = (fastParse(text, start, end) ?? slowParse(text, start, end)).root;
    if (root?.type === 'map') return patchesOf(root);
  }
  return [];
}
