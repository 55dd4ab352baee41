/**
 * Which image values of one resource document kustomize's image transformer rewrites, and how many
 * times each entry applies to it. The transformer (ImageTagTransformer in kustomize's
 * plugin/builtin, tag api/v0.18.0) runs two filters in turn, each rewriting what the one before left:
 *  - the legacy filter (api/filters/imagetag/legacy.go): the `image` of every item of every
 *    `containers` or `initContainers` list, at any depth, in an object of any kind;
 *  - the field-spec filter (imagetag.go with api/filters/fieldspec): each spec whose kind, group and
 *    version fit the object, following its path and entering every list item on the way.
 * A `Deployment`'s containers are reached by both, so an entry applies to them twice: harmless for a
 * new name, tag or digest, but a `tagSuffix` is added twice, as kustomize does.
 * Neither filter touches a CustomResourceDefinition. `<Kind>List` documents are read as their items,
 * as kustomize's resource factory inlines them (api/resource/factory.go, inlineAnyEmbeddedLists).
 */
import { findPair, getScalar, isNullScalar } from '../manifest/yamlTree';
import type { YamlMap, YamlNode } from '../manifest/yamlTree';
import type { FieldSpec } from './fieldSpecs';

/** How the transformer reaches one image value. */
export interface ImageTarget {
  readonly legacy: boolean;
  /** Keys of the specs whose path leads to it. */
  readonly specs: ReadonlySet<string>;
}

/** Nodes one document's walks may visit: aliases can make a small text a huge tree. */
const MAX_VISITS = 200_000;
/** `<Kind>List` items holding lists, as deep as kustomize would be asked to go here. */
const MAX_LIST_DEPTH = 8;

const LEGACY_KEYS = new Set(['containers', 'initContainers']);

function text(map: YamlMap, key: string): string {
  const scalar = getScalar(map, key);
  return scalar && !isNullScalar(scalar) ? scalar.value : '';
}

/** resid.ParseGroupVersion: `apps/v1` is group `apps`, version `v1`; `v1` is the core group. */
function groupVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

class Walk {
  readonly targets = new Map<number, { legacy: boolean; specs: Set<string> }>();
  private visits = 0;

  constructor(private readonly specs: readonly FieldSpec[]) {}

  private spend(): boolean {
    return ++this.visits <= MAX_VISITS;
  }

  private target(node: YamlNode | null | undefined): { legacy: boolean; specs: Set<string> } | null {
    if (node?.type !== 'scalar') return null;
    let found = this.targets.get(node.start);
    if (!found) this.targets.set(node.start, (found = { legacy: false, specs: new Set() }));
    return found;
  }

  resource(root: YamlMap, depth: number): void {
    const kind = text(root, 'kind');
    const items = findPair(root, 'items');
    if (kind.endsWith('List') && items && depth < MAX_LIST_DEPTH) {
      if (items.value?.type === 'seq') for (const item of items.value.items) if (item?.type === 'map') this.resource(item, depth + 1);
      return;
    }
    if (kind === 'CustomResourceDefinition') return;
    this.legacy(root);
    const { group, version } = groupVersion(text(root, 'apiVersion'));
    for (const spec of this.specs) {
      if ((spec.kind === '' || spec.kind === kind) && (spec.group === '' || spec.group === group) && (spec.version === '' || spec.version === version)) {
        this.follow(root, spec, 0);
      }
    }
  }

  /** findFieldsFilter.walk: every mapping's values first, then its own `containers` lists. */
  private legacy(node: YamlNode | null): void {
    if (node === null || !this.spend()) return;
    if (node.type === 'seq') for (const item of node.items) this.legacy(item);
    if (node.type !== 'map') return;
    for (const pair of node.pairs) {
      this.legacy(pair.value);
      if (!LEGACY_KEYS.has(pair.key.value) || pair.value?.type !== 'seq') continue;
      for (const item of pair.value.items) {
        const found = item?.type === 'map' ? this.target(findPair(item, 'image')?.value) : null;
        if (found) found.legacy = true;
      }
    }
  }

  private follow(node: YamlNode | null, spec: FieldSpec, at: number): void {
    if (node === null || !this.spend()) return;
    if (at === spec.fields.length) {
      const found = this.target(node);
      if (found) found.specs.add(spec.key);
      return;
    }
    if (node.type === 'seq') for (const item of node.items) this.follow(item, spec, at);
    else if (node.type === 'map') this.follow(findPair(node, spec.fields[at])?.value ?? null, spec, at + 1);
  }
}

/**
 * The image values the transformer reaches in the document whose tree is `root`, by the start of
 * their scalar (offsets are the tree's), with the field specs in force; `specs` may hold more than
 * one step's, since each step counts only its own.
 */
export function imageTargets(root: YamlNode | null, specs: readonly FieldSpec[]): ReadonlyMap<number, ImageTarget> {
  const walk = new Walk(specs);
  if (root?.type === 'map') walk.resource(root, 0);
  return walk.targets;
}
