/**
 * "Set image": change one container's image in the cluster as `kubectl set image` does, and the
 * same field in the file as a byte-minimal edit.
 * kubectl reads the live object first and sends the strategic-merge patch between it and the
 * changed copy: the changed container by its merge key `name`, plus `$setElementOrder/<list>`
 * listing the names in order, so the server keeps the list as it is.
 */
import type { Analysis, TextEdit } from '../../core';
import { checkEdit, isSettableContainer, replaceScalar, WORKLOAD_KINDS } from '../../core';
import type { Cluster, KubeObject, ObjectRef, PatchOptions } from '../../cluster';
import { record } from '../../core/json';
import { displayName } from './objects';
import type { Fields } from './objects';

/** The lists `kubectl set image` looks in, in its order. */
const LISTS = ['initContainers', 'containers'] as const;

function podSpecPath(kind: string): readonly string[] | null {
  return WORKLOAD_KINDS[kind]?.podSpecPath ?? null;
}

function containerNames(list: unknown): string[] {
  return (Array.isArray(list) ? list : []).map((c) => String(record(c).name ?? ''));
}

/** Names of the object's containers (init containers too), for messages and pickers. */
export function containersOf(object: KubeObject): string[] {
  const path = podSpecPath(object.kind);
  if (path === null) return [];
  const podSpec = path.reduce<Fields>((node, key) => record(node[key]), object as Fields);
  return LISTS.flatMap((list) => containerNames(podSpec[list]));
}

/**
 * The strategic-merge patch that sets `container`'s image, built from the live object; null when
 * the kind has no pod template or no container of that name.
 */
export function setImagePatch(object: KubeObject, container: string, image: string): object | null {
  const path = podSpecPath(object.kind);
  if (path === null) return null;
  const podSpec = path.reduce<Fields>((node, key) => record(node[key]), object as Fields);
  const list = LISTS.find((name) => containerNames(podSpec[name]).includes(container));
  if (list === undefined) return null;
  const patch: Fields = {
    [`$setElementOrder/${list}`]: containerNames(podSpec[list]).map((name) => ({ name })),
    [list]: [{ image, name: container }],
  };
  return path.reduceRight<Fields>((inner, key) => ({ [key]: inner }), patch);
}

/** Sets the image in the cluster; resolves with the object the server stored (or would, for a dry run). */
export async function setImage(ref: ObjectRef, container: string, image: string, cluster: Cluster, options: PatchOptions): Promise<KubeObject> {
  const live = await cluster.get(ref);
  if (live === null)
    throw new Error(`${displayName(ref)} does not exist in namespace "${ref.namespace ?? cluster.context.namespace}" of context "${cluster.context.name}".`);
  const patch = setImagePatch(live, container, image);
  if (patch === null) {
    const names = containersOf(live);
    throw new Error(
      `${displayName(ref)} has no container named "${container}"${names.length > 0 ? ` (it has ${names.map((n) => `"${n}"`).join(', ')})` : ''}.`,
    );
  }
  return cluster.patch(ref, patch, options);
}

/**
 * The edit that writes `image` into the container's image field of document `objectIndex`, in the
 * field's own quoting, leaving everything else byte for byte; null when that document has no such
 * container with an image value, or when the field would not read back as exactly `image`.
 */
export function setImageFileEdit(analysis: Analysis, objectIndex: number, container: string, image: string): TextEdit | null {
  const document = analysis.documents[objectIndex];
  const fields = document?.analysis.fields.containers.find((c) => c.name === container && isSettableContainer(c) && c.image?.value);
  const value = fields?.image?.value;
  const checked = document && value ? checkEdit(analysis.text, document, replaceScalar(document.start, value, image)) : null;
  return checked?.ok ? checked.edits[0] : null;
}
