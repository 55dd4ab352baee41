/**
 * Finds the images of a Helm values file, in the shapes charts use:
 * - an object under `image` or a key ending in `Image`/`image` with `repository` (`helm create`:
 *   repository, tag, pullPolicy; Bitnami: registry, repository, tag, digest, pullPolicy, pullSecrets),
 *   or with `registry` and `image` (ingress-nginx: `controller.image`), kept as a ValuesImage whose
 *   parts are separate scalars;
 * - a string under a key named `image` (`image: nginx:1.27`), kept as an image field of its own
 *   (a ContainerFields record, so it gets every feature a container's image has);
 * - `global.imageRegistry`, which Bitnami's helper puts before every image's repository.
 * The walk visits every mapping and list of the document, bounded by a node budget.
 */
import { detachScalar } from '../manifest/detach';
import type { ContainerFields, Field } from '../manifest/imageFields';
import { plainScalarType } from '../manifest/plainScalarType';
import type { YamlMap, YamlNode, YamlScalar } from '../manifest/yamlTree';
import { findPair, getMap, isNullScalar } from '../manifest/yamlTree';
import type { ChartContext } from './chart';
import { VALUES_STRING_IMAGE } from './location';
import { renderValuesImage } from './render';
import type { ValuesFields, ValuesImage, WrittenImage } from './types';

/** Nodes visited per values document: far past any chart's values. */
const MAX_NODES = 200_000;
/** Images per values document. */
export const MAX_VALUES_IMAGES = 2000;

function isImageKey(key: string): boolean {
  return key === 'image' || key.endsWith('Image') || key.endsWith('image');
}

/** A key and its scalar value; a value that is null, or not a scalar, is null. */
function fieldOf(map: YamlMap, key: string): Field | null {
  const pair = findPair(map, key);
  if (!pair) return null;
  const value = pair.value?.type === 'scalar' && !isNullScalar(pair.value) ? detachScalar(pair.value) : null;
  return { key: detachScalar(pair.key), value };
}

function hasString(map: YamlMap, key: string): boolean {
  const value = findPair(map, key)?.value;
  return value?.type === 'scalar' && !isNullScalar(value) && (value.style !== 'plain' || plainScalarType(value.value) === 'string');
}

/** Secret names of a list of `{name}` mappings or plain names. */
function secretNames(node: YamlNode | null | undefined): YamlScalar[] {
  if (node?.type !== 'seq') return [];
  const names: YamlScalar[] = [];
  for (const item of node.items) {
    const name = item?.type === 'map' ? (findPair(item, 'name')?.value ?? null) : item;
    if (name?.type === 'scalar' && !isNullScalar(name) && name.style !== 'block') names.push(detachScalar(name));
  }
  return names;
}

function writtenImage(path: string, key: YamlScalar, map: YamlMap): WrittenImage | null {
  const repository = hasString(map, 'repository');
  const ingressNginx = hasString(map, 'image') && findPair(map, 'registry') !== undefined;
  if (!repository && !ingressNginx) return null;
  return {
    path,
    key: detachScalar(key),
    start: map.start,
    end: map.end,
    flow: map.flow,
    registry: fieldOf(map, 'registry'),
    repository: fieldOf(map, 'repository'),
    name: ingressNginx ? fieldOf(map, 'image') : null,
    tag: fieldOf(map, 'tag'),
    digest: fieldOf(map, 'digest'),
    pullPolicy: fieldOf(map, 'pullPolicy'),
    pullSecrets: secretNames(findPair(map, 'pullSecrets')?.value),
  };
}

class ValuesWalk {
  readonly images: WrittenImage[] = [];
  readonly strings: ContainerFields[] = [];
  private nodes = 0;
  truncated = false;

  constructor(private readonly pullSecrets: readonly YamlScalar[]) {}

  walk(node: YamlNode | null, path: string): void {
    if (node === null || node.type === 'scalar') return;
    if (++this.nodes > MAX_NODES || this.images.length + this.strings.length >= MAX_VALUES_IMAGES) {
      this.truncated = true;
      return;
    }
    if (node.type === 'seq') {
      node.items.forEach((child, i) => this.walk(child, `${path}[${i}]`));
      return;
    }
    for (const pair of node.pairs) {
      const key = pair.key.value;
      const at = path === '' ? key : `${path}.${key}`;
      const value = pair.value;
      if (value?.type === 'map' && isImageKey(key)) {
        const image = writtenImage(at, pair.key, value);
        if (image) {
          this.images.push(image);
          continue;
        }
      }
      if (key === 'image' && value?.type === 'scalar' && hasString(node, 'image')) this.strings.push(this.stringImage(node, path));
      else this.walk(value, at);
    }
  }

  /** A string under `image`: its mapping is read like a container, `imagePullPolicy` beside it. */
  private stringImage(map: YamlMap, path: string): ContainerFields {
    const image = fieldOf(map, 'image')!;
    const name = fieldOf(map, 'name')?.value?.value ?? null;
    return {
      workloadKind: 'values',
      workloadName: null,
      location: VALUES_STRING_IMAGE,
      path: path === '' ? 'image' : `${path}.image`,
      name,
      start: map.start,
      end: map.end,
      flow: map.flow,
      image: { ...image, nonString: null },
      pullPolicy: fieldOf(map, 'imagePullPolicy'),
      firstKey: map.pairs[0] ? detachScalar(map.pairs[0].key) : null,
      pullSecrets: this.pullSecrets,
    };
  }
}

export interface LocatedValues {
  readonly values: ValuesFields;
  readonly strings: readonly ContainerFields[];
  readonly truncated: boolean;
}

/** The images of one values document (its root mapping), with what the chart renders from each. */
export function locateValuesImages(root: YamlNode | null, chart: ChartContext): LocatedValues {
  const global = root?.type === 'map' ? getMap(root, 'global') : undefined;
  const pullSecrets =
    root?.type === 'map'
      ? [...secretNames(findPair(root, 'imagePullSecrets')?.value), ...secretNames(global && findPair(global, 'imagePullSecrets')?.value)]
      : [];
  const walk = new ValuesWalk(pullSecrets);
  walk.walk(root, '');
  const globalImage = global ? getMap(global, 'image') : undefined;
  const written = {
    images: walk.images,
    globalRegistry: global ? fieldOf(global, 'imageRegistry') : null,
    globalRepository: globalImage ? fieldOf(globalImage, 'repository') : null,
    globalTag: globalImage ? fieldOf(globalImage, 'tag') : null,
    pullSecrets,
  };
  // Each image is pulled with its own pull secrets and those every image shares.
  const images: ValuesImage[] = walk.images.map((image) => ({
    ...image,
    pullSecrets: [...image.pullSecrets, ...pullSecrets],
    rendered: renderValuesImage(image, written, chart),
  }));
  return {
    values: { ...written, images },
    strings: walk.strings,
    truncated: walk.truncated,
  };
}
