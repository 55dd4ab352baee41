/**
 * Finds every image field of one YAML document and keeps it as small plain records, so the tree
 * can be dropped once a document is analysed (see analysis.ts for why that matters for memory).
 * Covers the workload kinds in workloadKinds.ts with their three container lists, `*List` items,
 * kustomization `images:`, and the pull secrets that pod specs reference and documents define.
 */
import { detach, detachScalar } from './detach';
import { plainScalarType } from './plainScalarType';
import { findPair, getMap, getScalar, getSeq, isNullScalar } from './yamlTree';
import type { YamlMap, YamlNode, YamlPair, YamlScalar } from './yamlTree';
import { apiGroup, CONTAINER_LISTS, KUSTOMIZE_KINDS, WORKLOAD_KINDS } from './workloadKinds';
import type { ContainerList } from './workloadKinds';

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

export interface ContainerFields {
  readonly workloadKind: string;
  readonly workloadName: string | null;
  readonly list: ContainerList;
  readonly index: number;
  readonly name: string | null;
  /** Span of the container mapping; `flow` when it is written `{...}`. */
  readonly start: number;
  readonly end: number;
  readonly flow: boolean;
  readonly image: ImageField | null;
  readonly pullPolicy: Field | null;
  /** The container's first key: where a container-wide finding (no image) points. */
  readonly firstKey: YamlScalar | null;
  readonly pullSecrets: readonly YamlScalar[];
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
}

export interface LocateOptions {
  /** The file is named kustomization.yaml (or .yml, or Kustomization), so kustomize reads it without a kind. */
  readonly kustomizationFile: boolean;
  /** Containers visited per document before giving up; aliases can multiply a small text. */
  readonly maxContainers: number;
}

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

function imageField(map: YamlMap): ImageField | null {
  const pair = findPair(map, 'image');
  if (!pair) return null;
  const other = nonString(pair.value);
  const value = other === null && pair.value?.type === 'scalar' && !isNullScalar(pair.value) ? detachScalar(pair.value) : null;
  return { key: detachScalar(pair.key), value, nonString: other };
}

function text(map: YamlMap, key: string): string | null {
  const scalar = getScalar(map, key);
  return scalar && !isNullScalar(scalar) ? detach(scalar.value) : null;
}

function mapAt(map: YamlMap | undefined, path: readonly string[]): YamlMap | undefined {
  for (const key of path) map = map && getMap(map, key);
  return map;
}

class Locator {
  readonly containers: ContainerFields[] = [];
  readonly kustomizeImages: KustomizeImageFields[] = [];
  readonly definedSecrets: string[] = [];
  isManifest = false;
  truncated = false;
  private visited = 0;
  /** An alias can make one container appear many times; report each source position once. */
  private readonly seen = new Set<number>();

  constructor(private readonly options: LocateOptions) {}

  object(root: YamlMap, kindFallback: string | null, depth: number, apiVersionFallback: string | null = null): void {
    const kind = text(root, 'kind') ?? kindFallback;
    const apiVersion = text(root, 'apiVersion') ?? apiVersionFallback;
    if (kind === null) {
      if (depth === 0 && this.options.kustomizationFile) this.kustomization(root);
      return;
    }
    if (kind === 'Secret') {
      const name = mapAt(root, ['metadata']);
      const secretName = name && text(name, 'name');
      if (secretName) this.definedSecrets.push(secretName);
      return;
    }
    if (KUSTOMIZE_KINDS.has(kind) && (apiVersion === null || apiGroup(apiVersion) === 'kustomize.config.k8s.io')) {
      this.kustomization(root);
      return;
    }
    if (kind.endsWith('List') && depth < 2) {
      const items = getSeq(root, 'items');
      // Items of a typed list (`DeploymentList`) take the list's apiVersion along with its kind,
      // so a CRD's `example.com/v1` DeploymentList is not read as apps Deployments. A plain `List`
      // (v1) holds any kind, so its items keep their own apiVersion or none.
      const itemKind = kind.slice(0, -4) || null;
      for (const item of items?.items ?? []) if (item?.type === 'map') this.object(item, itemKind, depth + 1, itemKind === null ? null : apiVersion);
      return;
    }
    const workload = WORKLOAD_KINDS[kind];
    if (!workload || (apiVersion !== null && !workload.groups.includes(apiGroup(apiVersion)))) return;
    this.isManifest = true;
    const podSpec = mapAt(root, workload.podSpecPath);
    if (!podSpec) return;
    const metadata = getMap(root, 'metadata');
    const workloadName = metadata ? text(metadata, 'name') : null;
    const pullSecrets = this.pullSecrets(podSpec);
    for (const list of CONTAINER_LISTS) {
      const seq = getSeq(podSpec, list);
      seq?.items.forEach((item, index) => {
        if (item?.type !== 'map' || this.truncated) return;
        if (++this.visited > this.options.maxContainers) {
          this.truncated = true;
          return;
        }
        if (this.seen.has(item.start)) return;
        this.seen.add(item.start);
        this.containers.push({
          workloadKind: kind,
          workloadName,
          list,
          index,
          name: text(item, 'name'),
          start: item.start,
          end: item.end,
          flow: item.flow,
          image: imageField(item),
          pullPolicy: field(item, 'imagePullPolicy'),
          firstKey: item.pairs[0] ? detachScalar(item.pairs[0].key) : null,
          pullSecrets,
        });
      });
    }
  }

  private pullSecrets(podSpec: YamlMap): readonly YamlScalar[] {
    const names: YamlScalar[] = [];
    for (const entry of getSeq(podSpec, 'imagePullSecrets')?.items ?? []) {
      const name = entry?.type === 'map' ? getScalar(entry, 'name') : undefined;
      if (name && !isNullScalar(name)) names.push(detachScalar(name));
    }
    return names.length > 0 ? names : NONE;
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

/**
 * Most documents of a large file have no secrets or kustomize images, and many are no manifest at
 * all (Services, ConfigMaps); they share these frozen empty values instead of keeping their own.
 */
const NONE: readonly never[] = Object.freeze([]);
const NOT_A_MANIFEST: ImageFields = Object.freeze({ containers: NONE, kustomizeImages: NONE, definedSecrets: NONE, isManifest: false, truncated: false });

function orNone<T>(items: readonly T[]): readonly T[] {
  return items.length > 0 ? items : NONE;
}

export function locateImageFields(root: YamlNode | null, options: LocateOptions): ImageFields {
  const locator = new Locator(options);
  if (root?.type === 'map') locator.object(root, null, 0);
  const { containers, kustomizeImages, definedSecrets, isManifest, truncated } = locator;
  if (!isManifest && definedSecrets.length === 0) return NOT_A_MANIFEST;
  return { containers: orNone(containers), kustomizeImages: orNone(kustomizeImages), definedSecrets: orNone(definedSecrets), isManifest, truncated };
}
