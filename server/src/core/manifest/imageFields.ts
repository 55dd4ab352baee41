/**
 * Finds every image field of one YAML document and keeps it as small plain records, so the tree
 * can be dropped once a document is analysed (see analysis.ts for why that matters for memory).
 * Covers the kinds of a location table (locations.ts: Kubernetes' workloads, the custom resources of
 * builtInLocations.ts, users' own), `*List` items and embedded objects, kustomization `images:`, and
 * the pull secrets that objects reference and documents define.
 */
import type { Span } from '../span';
import { detach, detachScalar } from './detach';
import { plainScalarType } from './plainScalarType';
import { nameOf, WalkBudget, walkPath, whereText } from './locationPaths';
import type { Path, Reached, Trail } from './locationPaths';
import { COMPOSE_KIND, COMPOSE_SCOPE } from './composeLocations';
import { CONTAINER, INIT_CONTAINER, rulesFor } from './locations';
import type { FieldRule, ImageLocation, LocationTable, Scope } from './locations';
import { findPair, getMap, getScalar, getSeq, isNullScalar } from './yamlTree';
import type { YamlMap, YamlNode, YamlPair, YamlScalar } from './yamlTree';
import { apiGroup, KUSTOMIZE_KINDS, WORKLOAD_KINDS } from './workloadKinds';
import type { ValuesFields } from '../helm/types';
import type { NodePlacement } from '../platforms';
import { readPlacement } from './placement';

/** A key and its value as found; `value` is null when the key is present without one. */
export interface Field {
  readonly key: YamlScalar;
  readonly value: YamlScalar | null;
}

/** What YAML reads an image value as when that is not a string; the API server rejects each of these. */
export type NonString = 'number' | 'boolean' | 'mapping' | 'sequence';

export interface NonStringValue {
  readonly reads: NonString;
  /** Span of the value's node. */
  readonly start: number;
  readonly end: number;
}

/**
 * The image field. `value` is the string YAML reads, or null; `nonString` is set instead when YAML
 * reads something else: `image: 1.0`, `image: [nginx]`, or `image: {{ .Image }}`, which YAML reads
 * as a mapping until a template engine renders it.
 */
export interface ImageField extends Field {
  readonly nonString: NonStringValue | null;
}

/**
 * One mapping that holds an image: a container, an image volume's `image`, a Tekton step, a
 * KubeVirt containerDisk, a Crossplane package's spec. `location` says what it is and how its fields
 * are named, defaulted and explained (shared by every record of its place in the table).
 */
export interface ContainerFields {
  readonly workloadKind: string;
  readonly workloadName: string | null;
  readonly location: ImageLocation;
  /** Where it is, for people: `spec.template.spec.containers[0]`, `spec.volumes[1].image`. */
  readonly path: string;
  /** Its own `name`, else that of the nearest named item it is in (an image volume's volume, an Argo template). */
  readonly name: string | null;
  /** Span of the mapping; `flow` when it is written `{...}`. */
  readonly start: number;
  readonly end: number;
  readonly flow: boolean;
  /** The field `location.imageKey`. */
  readonly image: ImageField | null;
  /** The field `location.policyKey`. */
  readonly pullPolicy: Field | null;
  /** The mapping's first key: where a finding about the whole mapping (no image) points. */
  readonly firstKey: YamlScalar | null;
  readonly pullSecrets: readonly YamlScalar[];
  /** Which nodes the pod spec it is in lets it run on, by os and arch; absent when it says nothing (placement.ts). */
  readonly placement?: NodePlacement;
  /** In a Dockerfile: what the instruction adds to the image it names (dockerfile/analysis.ts). */
  readonly build?: BuildImage;
}

/** What a Dockerfile instruction says around the image it names. */
export interface BuildImage {
  /** `FROM`, `COPY --from`, `RUN --mount`. */
  readonly instruction: string;
  /** The stage a `FROM` starts (`AS name`), or null. */
  readonly stage: string | null;
  /** The `--platform=` of a `FROM` as written, or null. */
  readonly platform: string | null;
  /**
   * Set when the instruction names the image through a build argument (`FROM ${BASE}`): the image
   * field is then the ARG's default, where the image is written, and `uses` are the spans of the
   * `${BASE}`s that use it.
   */
  readonly argument: { readonly name: string; readonly uses: readonly Span[] } | null;
}

/** Whether `kubectl set image` can change the container: in a pod spec's containers or initContainers of a Kubernetes workload kind. */
export function isSettableContainer(container: ContainerFields): boolean {
  return (container.location === CONTAINER || container.location === INIT_CONTAINER) && Object.hasOwn(WORKLOAD_KINDS, container.workloadKind);
}

export interface KustomizeImageFields {
  readonly index: number;
  /** Span of the entry's mapping; `flow` when it is written `{...}`. */
  readonly start: number;
  readonly end: number;
  readonly flow: boolean;
  readonly name: Field | null;
  readonly newName: Field | null;
  readonly newTag: Field | null;
  readonly digest: Field | null;
}

export interface ImageFields {
  readonly containers: readonly ContainerFields[];
  readonly kustomizeImages: readonly KustomizeImageFields[];
  /** Names of Secrets this document defines (Secret objects, kustomize secretGenerator entries). */
  readonly definedSecrets: readonly string[];
  /** True when the document is a workload or kustomization, even one with no image fields yet. */
  readonly isManifest: boolean;
  /** True when the container limit cut the search short. */
  readonly truncated: boolean;
  /** The images of a Helm values document written as separate values (helm/); absent for other documents. */
  readonly values?: ValuesFields;
}

export interface LocateOptions {
  /** The file is named kustomization.yaml (or .yml, or Kustomization), so kustomize reads it without a kind. */
  readonly kustomizationFile: boolean;
  /** The file is named like a Compose file (composeLocations.ts), so its services are read instead of the location table. */
  readonly composeFile?: boolean;
  /** Image mappings visited per document before giving up; aliases can multiply a small text. */
  readonly maxContainers: number;
  readonly locations: LocationTable;
}

/** Nodes the paths of one document may visit, per image mapping allowed: far more than any object needs. */
const WALK_STEPS_PER_CONTAINER = 50;

/** How deep objects are followed into objects (List items, an OpenShift Template's objects): a List in a List, no deeper. */
const MAX_OBJECT_DEPTH = 2;

function field(map: YamlMap, key: string): Field | null {
  const pair: YamlPair | undefined = findPair(map, key);
  if (!pair) return null;
  const value = pair.value?.type === 'scalar' && !isNullScalar(pair.value) ? detachScalar(pair.value) : null;
  return { key: detachScalar(pair.key), value };
}

function nonString(node: YamlNode | null): NonStringValue | null {
  if (node === null) return null;
  if (node.type === 'map' || node.type === 'seq') return { reads: node.type === 'map' ? 'mapping' : 'sequence', start: node.start, end: node.end };
  const type = node.style === 'plain' && !isNullScalar(node) ? plainScalarType(node.value) : 'string';
  return type === 'string' ? null : { reads: type, start: node.start, end: node.end };
}

function imageField(map: YamlMap, key: string): ImageField | null {
  const pair = findPair(map, key);
  if (!pair) return null;
  const other = nonString(pair.value);
  const value = other === null && pair.value?.type === 'scalar' && !isNullScalar(pair.value) ? detachScalar(pair.value) : null;
  return { key: detachScalar(pair.key), value, nonString: other };
}

function text(map: YamlMap, key: string): string | null {
  const scalar = getScalar(map, key);
  return scalar && !isNullScalar(scalar) ? detach(scalar.value) : null;
}

/** A Secret's name as written where a plain name is expected; block scalars are not read (the fast parser skips them). */
function secretName(node: YamlNode | null): YamlScalar | null {
  if (node?.type === 'map') node = getScalar(node, 'name') ?? null;
  return node?.type === 'scalar' && node.style !== 'block' && !isNullScalar(node) ? detachScalar(node) : null;
}

class Locator {
  readonly containers: ContainerFields[] = [];
  readonly kustomizeImages: KustomizeImageFields[] = [];
  readonly definedSecrets: string[] = [];
  isManifest = false;
  truncated = false;
  private visited = 0;
  /** An alias can make one mapping appear many times; report each source position once. */
  private readonly seen = new Set<number>();
  private readonly budget: WalkBudget;

  constructor(private readonly options: LocateOptions) {
    this.budget = new WalkBudget(options.maxContainers * WALK_STEPS_PER_CONTAINER);
  }

  /** A Compose file's services (composeLocations.ts). */
  compose(root: YamlMap): void {
    this.isManifest = true;
    this.scope(COMPOSE_SCOPE, { node: root, trail: null, item: null }, NONE, { kind: COMPOSE_KIND, name: null });
    if (this.budget.exhausted) this.truncated = true;
  }

  /** `trail` is the way to the object in the document, for embedded objects. */
  object(root: YamlMap, kindFallback: string | null, depth: number, apiVersionFallback: string | null = null, trail: Trail | null = null): void {
    const kind = text(root, 'kind') ?? kindFallback;
    const apiVersion = text(root, 'apiVersion') ?? apiVersionFallback;
    if (kind === null) {
      if (depth === 0 && this.options.kustomizationFile) this.kustomization(root);
      return;
    }
    if (kind === 'Secret') {
      const metadata = getMap(root, 'metadata');
      const secretName = metadata && text(metadata, 'name');
      if (secretName) this.definedSecrets.push(secretName);
      return;
    }
    if (KUSTOMIZE_KINDS.has(kind) && (apiVersion === null || apiGroup(apiVersion) === 'kustomize.config.k8s.io')) {
      this.kustomization(root);
      return;
    }
    if (kind.endsWith('List') && depth < MAX_OBJECT_DEPTH) {
      const items = getSeq(root, 'items');
      // Items of a typed list (`DeploymentList`) take the list's apiVersion along with its kind,
      // so a CRD's `example.com/v1` DeploymentList is not read as apps Deployments. A plain `List`
      // (v1) holds any kind, so its items keep their own apiVersion or none.
      const itemKind = kind.slice(0, -4) || null;
      items?.items.forEach((item, i) => {
        if (item?.type === 'map') this.object(item, itemKind, depth + 1, itemKind === null ? null : apiVersion, { up: { up: trail, step: 'items' }, step: i });
      });
      return;
    }
    const rules = rulesFor(this.options.locations, kind, apiVersion);
    if (rules.length === 0) return;
    this.isManifest = true;
    const metadata = getMap(root, 'metadata');
    const owner: Owner = { kind, name: metadata ? text(metadata, 'name') : null };
    for (const rule of rules) {
      const self: Reached = { node: root, trail, item: null };
      this.scope(rule.scope, self, NONE, owner);
      if (depth >= MAX_OBJECT_DEPTH) continue;
      for (const objects of rule.objects) {
        walkPath(self, objects, this.budget, (reached) => {
          if (reached.node.type === 'map') this.object(reached.node, null, depth + 1, null, reached.trail);
        });
      }
    }
    if (this.budget.exhausted) this.truncated = true;
  }

  private scope(scope: Scope, from: Reached, inherited: readonly YamlScalar[], owner: Owner, outer: NodePlacement | null = null): void {
    walkPath(from, scope.path, this.budget, (reached) => {
      if (reached.node.type !== 'map') return;
      const secrets = this.pullSecrets(reached.node, scope.pullSecrets, inherited);
      const placement = scope.podSpec ? readPlacement(reached.node) : outer;
      for (const field of scope.fields) {
        walkPath(reached, field.path, this.budget, (at) => this.record(at, field, secrets, owner, placement));
      }
      for (const inner of scope.scopes) this.scope(inner, reached, secrets, owner, placement);
    });
  }

  private record(at: Reached, rule: FieldRule, secrets: readonly YamlScalar[], owner: Owner, placement: NodePlacement | null): void {
    const map = at.node;
    if (map.type !== 'map' || this.truncated) return;
    const location: ImageLocation = rule.withKey && findPair(map, rule.withKey.key) ? rule.withKey.location : rule.location;
    const image = imageField(map, location.imageKey);
    const pullPolicy = location.policyKey === null ? null : field(map, location.policyKey);
    // Where the image may come from elsewhere, a mapping without either field says nothing about images.
    if (!location.imageRequired && !image && !pullPolicy) return;
    if (++this.visited > this.options.maxContainers) {
      this.truncated = true;
      return;
    }
    if (this.seen.has(map.start)) return;
    this.seen.add(map.start);
    const own = rule.pullSecretKey === null ? null : secretName(findPair(map, rule.pullSecretKey)?.value ?? null);
    this.containers.push({
      workloadKind: owner.kind,
      workloadName: owner.name,
      location,
      path: whereText(at.trail),
      name: nameOf(map) ?? (at.item === null || at.item === map ? null : nameOf(at.item)),
      start: map.start,
      end: map.end,
      flow: map.flow,
      image,
      pullPolicy,
      firstKey: map.pairs[0] ? detachScalar(map.pairs[0].key) : null,
      pullSecrets: own === null ? secrets : [...secrets, own],
      ...(placement === null ? {} : { placement }),
    });
  }

  /** `inherited` and the Secret names the sequences at `paths` (from `node`) hold. */
  private pullSecrets(node: YamlMap, paths: readonly Path[], inherited: readonly YamlScalar[]): readonly YamlScalar[] {
    let names: YamlScalar[] | null = null;
    for (const path of paths) {
      walkPath({ node, trail: null, item: null }, path, this.budget, ({ node: found }) => {
        for (const entry of found.type === 'seq' ? found.items : [found]) {
          const name = secretName(entry);
          if (name) (names ??= [...inherited]).push(name);
        }
      });
    }
    return names ?? inherited;
  }

  private kustomization(root: YamlMap): void {
    this.isManifest = true;
    getSeq(root, 'images')?.items.forEach((item, index) => {
      if (item?.type !== 'map') return;
      this.kustomizeImages.push({
        index,
        start: item.start,
        end: item.end,
        flow: item.flow,
        name: field(item, 'name'),
        newName: field(item, 'newName'),
        newTag: field(item, 'newTag'),
        digest: field(item, 'digest'),
      });
    });
    for (const generator of getSeq(root, 'secretGenerator')?.items ?? []) {
      const name = generator?.type === 'map' ? text(generator, 'name') : null;
      if (name) this.definedSecrets.push(name);
    }
  }
}

/** The object a record belongs to. */
interface Owner {
  readonly kind: string;
  readonly name: string | null;
}

/**
 * Most documents of a large file have no secrets or kustomize images, and many are no manifest at
 * all (Services, ConfigMaps); they share these frozen empty values instead of keeping their own.
 */
const NONE: readonly never[] = Object.freeze([]);
const NOT_A_MANIFEST: ImageFields = Object.freeze({ containers: NONE, kustomizeImages: NONE, definedSecrets: NONE, isManifest: false, truncated: false });

function orNone<T>(items: readonly T[]): readonly T[] {
  return items.length > 0 ? items : NONE;
}

/**
 * Whether Locator.object would take nothing from a top-level object of this kind: not a Secret, a
 * kustomization or a list, and no location rule for it (so the document is not a manifest either).
 * Such a document need not be parsed: its analysis is that of no manifest.
 */
export function readsNothingOf(kind: string, apiVersion: string | null, locations: LocationTable): boolean {
  if (kind === 'Secret' || KUSTOMIZE_KINDS.has(kind) || kind.endsWith('List')) return false;
  return rulesFor(locations, kind, apiVersion).length === 0;
}

export function locateImageFields(root: YamlNode | null, options: LocateOptions): ImageFields {
  const locator = new Locator(options);
  if (root?.type === 'map') {
    if (options.composeFile) locator.compose(root);
    else locator.object(root, null, 0);
  }
  const { containers, kustomizeImages, definedSecrets, isManifest, truncated } = locator;
  if (!isManifest && definedSecrets.length === 0) return NOT_A_MANIFEST;
  return { containers: orNone(containers), kustomizeImages: orNone(kustomizeImages), definedSecrets: orNone(definedSecrets), isManifest, truncated };
}
