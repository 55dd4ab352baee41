/**
 * The workspace's kustomize builds, for the image hover (core overlayImages): every kustomization the
 * index holds is planned (core planBuild) over what the index knows. A folder holding an indexed
 * kustomization is a kustomization; any other path counts as a file, since the index lists files, not
 * folders, and a file it has not read has no image to show. The `configurations:` files kustomizations
 * list are read from disk when asked, bounded in size. Plans are made when an image hover needs them
 * and not kept: they cost little, and the index changes under them.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KUSTOMIZATION_FILE_NAMES, MAX_KUSTOMIZATION_CHARS, overlayImages, planBuild, readImageSpecs } from '../core';
import type { Analysis, FieldSpec, Kustomization, KustomizationLookup, KustomizeFiles, OverlaysOf } from '../core';
import { pathOf } from './workspaceIndex';
import type { WorkspaceIndex } from './workspaceIndex';

/** Configurations files read for one hover: more is no longer a workspace anyone hovers in. */
const MAX_CONFIGURATIONS = 100;

class IndexFiles implements KustomizeFiles {
  /** The folders that hold a kustomization the index read. */
  readonly folders = new Set<string>();

  constructor(
    private readonly kustomizations: ReadonlyMap<string, Kustomization>,
    private readonly specs: ReadonlyMap<string, readonly FieldSpec[] | string>,
  ) {
    for (const path of kustomizations.keys()) this.folders.add(dirname(path));
  }

  join(folder: string, entry: string): string {
    return resolve(folder, entry);
  }

  isWithin(folder: string, path: string): boolean {
    const inside = relative(folder, path);
    return inside === '' || (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside));
  }

  isFile(path: string): boolean {
    return !this.folders.has(path);
  }

  kustomizationIn(folder: string): KustomizationLookup {
    const files = KUSTOMIZATION_FILE_NAMES.map((name) => join(folder, name)).filter((path) => this.kustomizations.has(path));
    if (files.length === 0) return { found: 'none', reason: `no kustomization in ${folder}` };
    if (files.length > 1) return { found: 'several', reason: `${folder} holds ${files.length} kustomization files, which kustomize refuses` };
    return { found: 'one', file: files[0], kustomization: this.kustomizations.get(files[0])! };
  }

  imageSpecs(path: string): readonly FieldSpec[] | string {
    return this.specs.get(path) ?? `${path} was not read`;
  }
}

async function readSpecs(path: string): Promise<readonly FieldSpec[] | string> {
  try {
    if ((await stat(path)).size > MAX_KUSTOMIZATION_CHARS) return `${path} is larger than ${MAX_KUSTOMIZATION_CHARS / 1048576} MB`;
    return readImageSpecs(await readFile(path, 'utf8')) ?? `${path} is not a mapping`;
  } catch (error) {
    return `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}

/** The image field specs of the configurations files the kustomizations list. */
async function configurations(kustomizations: ReadonlyMap<string, Kustomization>): Promise<Map<string, readonly FieldSpec[] | string>> {
  const paths = new Set<string>();
  for (const [file, kustomization] of kustomizations) for (const path of kustomization.configurations) paths.add(resolve(dirname(file), path));
  const specs = new Map<string, readonly FieldSpec[] | string>();
  for (const path of [...paths].slice(0, MAX_CONFIGURATIONS)) specs.set(path, await readSpecs(path));
  return specs;
}

/** How people know a kustomization folder: relative to its workspace folder, with `/`. */
function labelOf(index: WorkspaceIndex, folder: string): string {
  return (
    relative(index.folderOf(folder) ?? dirname(folder), folder)
      .split(sep)
      .join('/') || '.'
  );
}

/** What each build of the workspace makes of the images of `analysis`, the text of the document `uri`; nothing for a document that is no file. */
export async function overlaysOf(index: WorkspaceIndex, uri: string, analysis: Analysis): Promise<OverlaysOf | undefined> {
  const path = pathOf(uri);
  if (path === null) return undefined;
  const kustomizations = index.kustomizations();
  const files = new IndexFiles(kustomizations, await configurations(kustomizations));
  return (doc, container) => {
    // A Component is built only as part of a kustomization; a folder with two kustomizations not at all.
    const buildable = [...files.folders].filter((folder) => {
      const lookup = files.kustomizationIn(folder);
      return lookup.found === 'one' && lookup.kustomization.kind !== 'Component';
    });
    const labelled = buildable.map((folder) => ({ folder, label: labelOf(index, folder) }));
    labelled.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const builds = labelled.map(({ folder, label }) => ({ label, plan: planBuild(folder, files) }));
    return overlayImages(analysis, doc, container, path, builds);
  };
}
