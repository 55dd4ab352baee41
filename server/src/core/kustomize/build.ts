/**
 * What `kustomize build DIR` does with images, without building anything: the resource files it
 * reads, in order, and for each one the image transformers that run over it, innermost first.
 * This follows KustTarget.accumulateTarget (kubernetes-sigs/kustomize api/internal/target/kusttarget.go,
 * tag api/v0.18.0):
 *  1. each `resources:` entry in order: a file is read as it is; a folder is built on its own first
 *     (its own transformers run over what it holds) and its result appended;
 *  2. the kustomization's `configurations:` join the field specs of everything read so far;
 *  3. each component runs on the resources gathered so far: it adds its own resources, then its
 *     transformers run over all of them (the kustomization's included);
 *  4. the kustomization's `images:` entries run, one after the other, over everything gathered.
 * kustomize's refusals are kept as a problem: a file outside the kustomization's folder (its default
 * load restrictor), a folder that is the folder being built or one above it (its cycle check), a folder
 * without exactly one kustomization, a component that is not of kind Component or the reverse.
 * Remote bases are listed, not followed. Reading files is the front end's: this module only asks
 * `KustomizeFiles`, so it runs in the editor (on the workspace index) and in the CLI (on the disk).
 */
import { DEFAULT_IMAGE_SPECS, mergeSpecs } from './fieldSpecs';
import type { FieldSpec } from './fieldSpecs';
import { overrideOf } from './imageTransformer';
import type { ImageOverride } from './imageTransformer';
import type { Kustomization, KustomizeImageEntry } from './kustomization';

/** A folder's kustomization as the front end found it. */
export type KustomizationLookup =
  | { readonly found: 'one'; readonly file: string; readonly kustomization: Kustomization }
  | { readonly found: 'none' | 'several' | 'unreadable'; readonly reason: string };

/** The front end's view of the files; paths are whatever it uses, absolute and normalised. */
export interface KustomizeFiles {
  /** The path `entry` (relative or absolute) names from `folder`. */
  join(folder: string, entry: string): string;
  /** Whether `path` is `folder` itself or below it. */
  isWithin(folder: string, path: string): boolean;
  isFile(path: string): boolean;
  kustomizationIn(folder: string): KustomizationLookup;
  /** The image field specs of a configurations file, or why they cannot be read. */
  imageSpecs(path: string): readonly FieldSpec[] | string;
}

/** One kustomization's `images:` entries, run over the resources it has gathered, with the specs in force then. */
export interface TransformStep {
  /** The kustomization file. */
  readonly file: string;
  readonly entries: readonly { readonly entry: KustomizeImageEntry; readonly override: ImageOverride }[];
  readonly specs: readonly FieldSpec[];
}

export interface BuiltResource {
  readonly file: string;
  /** Innermost first: the order kustomize runs them. */
  readonly steps: readonly TransformStep[];
}

export interface BuildProblem {
  /** The kustomization file (or folder) that asks for what kustomize refuses. */
  readonly at: string;
  readonly message: string;
}

export interface BuildPlan {
  readonly resources: readonly BuiltResource[];
  /** Every kustomization file read, in the order it was read. */
  readonly kustomizations: readonly string[];
  /** Remote bases listed (`https://…`, `github.com/…?ref=`): kustomize fetches them; they are not followed here. */
  readonly remote: readonly { readonly at: string; readonly entry: string }[];
  /** What makes kustomize refuse the build; the plan stops there. */
  readonly problem: BuildProblem | null;
}

/** Folders built per plan (a base shared by many overlays counts each time). */
const MAX_TARGETS = 1000;
/** Kustomizations nested in one another. */
const MAX_NESTING = 64;
/** Resource files gathered per plan. */
const MAX_RESOURCES = 20_000;

/** How kustomize's loader tells a remote target (api/internal/git/repospec.go): a URL, an scp-like address, a `?ref=`. */
export function looksRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^[\w.-]+@[\w.-]+:/.test(entry) || entry.includes('?ref=') || /^(github|gitlab)\.com\//.test(entry);
}

/** A transformer step per resource, shared: steps is a list from the newest back, so adding one costs O(1). */
interface Steps {
  readonly step: TransformStep;
  readonly earlier: Steps | null;
}

interface Gathered {
  readonly file: string;
  steps: Steps | null;
}

interface Accumulator {
  readonly resources: Gathered[];
  specs: readonly FieldSpec[];
}

class Refused extends Error {
  constructor(readonly problem: BuildProblem) {
    super(problem.message);
  }
}

class Planner {
  readonly kustomizations: string[] = [];
  readonly remote: { at: string; entry: string }[] = [];
  private targets = 0;
  /** The folders being built, outermost first: kustomize's loader refuses any of them again, or a folder above one. */
  private readonly chain: string[] = [];

  constructor(private readonly files: KustomizeFiles) {}

  private refuse(at: string, message: string): never {
    throw new Refused({ at, message });
  }

  target(folder: string, lookup: KustomizationLookup & { found: 'one' }, into: Accumulator): Accumulator {
    if (++this.targets > MAX_TARGETS) this.refuse(folder, `The build reads more than ${MAX_TARGETS} kustomizations; the rest is not followed.`);
    if (this.chain.length >= MAX_NESTING) this.refuse(folder, `Kustomizations nest more than ${MAX_NESTING} deep here; the rest is not followed.`);
    const { file, kustomization } = lookup;
    this.kustomizations.push(file);
    this.chain.push(folder);
    let acc = into;
    for (const entry of kustomization.resources) this.resource(folder, file, entry, acc);
    const specs: FieldSpec[] = [];
    for (const path of kustomization.configurations) specs.push(...this.configuration(folder, file, path));
    acc.specs = mergeSpecs(acc.specs, mergeSpecs(DEFAULT_IMAGE_SPECS, specs));
    for (const entry of kustomization.components) acc = this.component(folder, file, entry, acc);
    if (kustomization.images.length > 0) {
      const step: TransformStep = { file, entries: kustomization.images.map((entry) => ({ entry, override: overrideOf(entry) })), specs: acc.specs };
      for (const resource of acc.resources) resource.steps = { step, earlier: resource.steps };
    }
    this.chain.pop();
    return acc;
  }

  private resource(folder: string, file: string, entry: string, acc: Accumulator): void {
    const path = this.files.join(folder, entry);
    if (this.files.isFile(path)) {
      if (!this.files.isWithin(folder, path))
        this.refuse(file, `${entry} is a file outside ${folder}, which kustomize refuses to read ("security; file is not in or below").`);
      this.gather(acc, file, { file: path, steps: null });
      return;
    }
    const lookup = this.folder(file, entry, path);
    if (lookup === null) return;
    if (lookup.kustomization.kind === 'Component') this.refuse(file, `${entry} is a Component: list it under components:, not resources:.`);
    const built = this.target(path, lookup, { resources: [], specs: [] });
    for (const resource of built.resources) this.gather(acc, file, resource);
    acc.specs = mergeSpecs(acc.specs, built.specs);
  }

  private gather(acc: Accumulator, file: string, resource: Gathered): void {
    if (acc.resources.length >= MAX_RESOURCES) this.refuse(file, `The build gathers more than ${MAX_RESOURCES} resource files; the rest is not followed.`);
    acc.resources.push(resource);
  }

  private component(folder: string, file: string, entry: string, acc: Accumulator): Accumulator {
    const path = this.files.join(folder, entry);
    const lookup = this.folder(file, entry, path);
    if (lookup === null) return acc;
    if (lookup.kustomization.kind !== 'Component')
      this.refuse(file, `${entry} is listed under components: but its kustomization is of kind ${lookup.kustomization.kind}, not Component.`);
    return this.target(path, lookup, acc);
  }

  /** The kustomization of the folder `entry` names; null for a remote one. */
  private folder(file: string, entry: string, path: string): (KustomizationLookup & { found: 'one' }) | null {
    const visited = this.chain.find((root) => this.files.isWithin(path, root));
    if (visited !== undefined) this.refuse(file, `${entry} is ${visited} or a folder above it, which is being built already: kustomize reports a cycle.`);
    const lookup = this.files.kustomizationIn(path);
    if (lookup.found === 'none' && looksRemote(entry)) {
      this.remote.push({ at: file, entry });
      return null;
    }
    if (lookup.found !== 'one') this.refuse(file, `${entry}: ${lookup.reason}`);
    return lookup;
  }

  private configuration(folder: string, file: string, path: string): readonly FieldSpec[] {
    const full = this.files.join(folder, path);
    if (!this.files.isWithin(folder, full)) this.refuse(file, `configurations: ${path} is outside ${folder}, which kustomize refuses to read.`);
    const specs = this.files.imageSpecs(full);
    if (typeof specs === 'string') this.refuse(file, `configurations: ${path}: ${specs}`);
    return specs;
  }
}

function stepsOf(steps: Steps | null): TransformStep[] {
  const list: TransformStep[] = [];
  for (let at = steps; at !== null; at = at.earlier) list.push(at.step);
  return list.reverse();
}

/** What building the kustomization of `folder` does with images. */
export function planBuild(folder: string, files: KustomizeFiles): BuildPlan {
  const planner = new Planner(files);
  const lookup = files.kustomizationIn(folder);
  const refused = (problem: BuildProblem): BuildPlan => ({ resources: [], kustomizations: planner.kustomizations, remote: planner.remote, problem });
  if (lookup.found !== 'one') return refused({ at: folder, message: lookup.reason });
  if (lookup.kustomization.kind === 'Component')
    return refused({ at: lookup.file, message: 'A Component is built only by a kustomization that lists it under components:.' });
  try {
    const { resources } = planner.target(folder, lookup, { resources: [], specs: [] });
    const built = resources.map(({ file, steps }) => ({ file, steps: stepsOf(steps) }));
    return { resources: built, kustomizations: planner.kustomizations, remote: planner.remote, problem: null };
  } catch (error) {
    if (error instanceof Refused) return refused(error.problem);
    throw error;
  }
}
