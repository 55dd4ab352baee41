/**
 * Facts that span files: which pull secrets the workspace defines, which images it already uses,
 * which files its kustomizations apply as patches, and the kustomizations themselves.
 * Front ends keep one FileFacts per file (cheap to recompute from an Analysis) and merge them.
 */
import type { Analysis } from './analysis';
import { readKustomization } from './kustomize/kustomization';
import type { Kustomization } from './kustomize/kustomization';

export interface FileFacts {
  readonly definedSecrets: readonly string[];
  /** Image values as written in containers and kustomize `newName`s. */
  readonly images: readonly string[];
  /** For a kustomization file: the files it lists as patches, relative to its folder as written. */
  readonly patches: readonly string[];
  /** For a kustomization file: what it says (its resources, components and image transformers); absent or null for other files. */
  readonly kustomization?: Kustomization | null;
}

export interface WorkspaceFacts {
  /** Secret names defined anywhere; null when the front end could not look (no workspace). */
  readonly definedSecrets: ReadonlySet<string> | null;
  /** Image value → number of uses, for completion. */
  readonly images: ReadonlyMap<string, number>;
}

/** What the workspace says about the file being checked itself. */
export interface FileRole {
  /** A kustomization applies the file as a patch (or the front end cannot tell yet), so a container may leave its image out. */
  readonly patch: boolean;
}

export const NOT_A_PATCH: FileRole = Object.freeze({ patch: false });

export function fileFacts(analysis: Analysis): FileFacts {
  const definedSecrets: string[] = [];
  const images: string[] = [];
  for (const { analysis: doc } of analysis.documents) {
    definedSecrets.push(...doc.fields.definedSecrets);
    // Empty values (`image: ""`) are no image: completion would offer an empty item for them.
    for (const c of doc.fields.containers) if (c.image?.value?.value) images.push(c.image.value.value);
    for (const k of doc.fields.kustomizeImages) if (k.newName?.value?.value) images.push(k.newName.value.value);
  }
  const kustomization = analysis.kustomizationFile ? readKustomization(analysis.text) : null;
  return { definedSecrets, images, patches: kustomization?.patches ?? [], kustomization };
}

export function mergeFacts(files: Iterable<FileFacts>): WorkspaceFacts {
  const definedSecrets = new Set<string>();
  const images = new Map<string, number>();
  for (const file of files) {
    for (const name of file.definedSecrets) definedSecrets.add(name);
    for (const image of file.images) images.set(image, (images.get(image) ?? 0) + 1);
  }
  return { definedSecrets, images };
}
