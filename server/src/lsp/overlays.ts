/**
 * The workspace's kustomize builds, for the image hover (core overlayImages): every kustomization the
 * index holds is planned (core planBuild) over what the index knows. A folder holding an indexed
 * kustomization is a kustomization; any other path counts as a file, since the index lists files, not
 * folders, and a file it has not read has no image to show. The `configurations:` files kustomizations
 * list are read from disk at each hover that needs them, bounded in size. The plans are kept until a
 * kustomization or a configurations file changes: a hover then only runs the transformers over one image.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { KUSTOMIZATION_FILE_NAMES, MAX_KUSTOMIZATION_CHARS, overlayImages, planBuild, readImageSpecs } from '../core';
import type { Analysis, FieldSpec, Kustomization, KustomizationLookup, KustomizeFiles, OverlayBuild, OverlaysOf } from '../core';
import { pathOf } from './paths';
import type { WorkspaceIndex } from './workspaceIndex';

/** Configurations files read for one hover: more is no longer a workspace anyone hovers in. */
const MAX_CONFIGURATIONS = 100;

type Specs = ReadonlyMap<string, readonly FieldSpec[] | string>;

class IndexFiles implements KustomizeFiles {
  /** The folders that hold a kustomization the index read. */
  readonly folders = new Set<string>();

  constructor(
    private readonly kustomizations: ReadonlyMap<string, Kustomization>,
    private readonly specs: Specs,
  ) {
    for (const path of kustomizations.keys()) this.folders.add(dirname(path));
  }

  join(folder: string, entry: string): string {
    return resolve(folder, entry);
  }

  /** Both are `resolve`d, so a prefix test is exact. */
  isWithin(folder: string, path: string): boolean {
    return path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
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

/** What the plans were made from: each kustomization as the index holds it (a new object when its file changes), and the specs read. */
function sourcesOf(kustomizations: ReadonlyMap<string, Kustomization>, specs: Specs): unknown[] {
  const sources: unknown[] = [...kustomizations].flat();
  for (const [path, found] of specs) sources.push(path, typeof found === 'string' ? found : found.map((spec) => spec.key).join('\n'));
  return sources;
}

function same(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** The workspace's builds, kept while what they were planned from stays the same. */
export class OverlayBuilds {
  private kept: { readonly sources: readonly unknown[]; readonly builds: readonly OverlayBuild[] } | null = null;

  constructor(private readonly index: WorkspaceIndex) {}

  /** What each build makes of the images of `analysis`, the text of the document `uri`; nothing for a document that is no file. */
  async of(uri: string, analysis: Analysis): Promise<OverlaysOf | undefined> {
    const path = pathOf(uri);
    if (path === null) return undefined;
    const kustomizations = this.index.kustomizations();
    const specs = await configurations(kustomizations);
    return (doc, container) => overlayImages(analysis, doc, container, path, this.builds(kustomizations, specs));
  }

  private builds(kustomizations: ReadonlyMap<string, Kustomization>, specs: Specs): readonly OverlayBuild[] {
    const sources = sourcesOf(kustomizations, specs);
    if (this.kept && same(this.kept.sources, sources)) return this.kept.builds;
    const files = new IndexFiles(kustomizations, specs);
    const builds: OverlayBuild[] = [];
    for (const folder of files.folders) {
      // A Component is built only as part of a kustomization; a folder with two kustomizations not at all.
      const lookup = files.kustomizationIn(folder);
      if (lookup.found !== 'one' || lookup.kustomization.kind === 'Component') continue;
      const label =
        relative(this.index.folderOf(folder) ?? dirname(folder), folder)
          .split(sep)
          .join('/') || '.';
      builds.push({ label, plan: planBuild(folder, files) });
    }
    builds.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    this.kept = { sources, builds };
    return builds;
  }
}
