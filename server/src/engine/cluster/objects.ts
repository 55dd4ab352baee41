/**
 * The Kubernetes objects of a manifest file, as kubectl apply reads them: each YAML document is one
 * object (a `List` kind contributes its items), read as YAML 1.1 like kubectl's sigs.k8s.io/yaml
 * (so `yes` and `on` are booleans there too, and the server says so). Documents are the regions of
 * the core's splitDocuments, so `index` is the same as the document's index in an Analysis.
 * Empty documents are left out; a document that is not an object to apply is kept with a `problem`.
 */
import { apiGroup, parseBoundedDocument, KUSTOMIZE_KINDS, MAX_DEPTH, splitDocuments } from '../../core';
import { isRecord } from '../../core/json';
import type { KubeObject, ObjectRef } from '../../cluster';

export interface ManifestObject {
  /** The document's index in the file (as in Analysis.documents). */
  readonly index: number;
  /** The document's offsets in the file. */
  readonly start: number;
  readonly end: number;
  readonly object: KubeObject | null;
  /** Why the document cannot be applied, for people; null when `object` is set. */
  readonly problem: string | null;
}

/** An object's fields, as read from JSON or YAML. */
export type Fields = Record<string, unknown>;

/** Why `value` is not an object the API server could take, or null when it is one. */
function objectProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'This document is not a mapping, so it is not a Kubernetes object.';
  const missing = ['apiVersion', 'kind'].filter((key) => typeof value[key] !== 'string' || value[key] === '');
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== 'string' || metadata.name === '') missing.push('metadata.name');
  if (missing.length > 0) return `This document cannot be applied: it has no ${missing.join(', ')}.`;
  if (KUSTOMIZE_KINDS.has(value.kind as string) && apiGroup(value.apiVersion as string) === 'kustomize.config.k8s.io') {
    return 'A kustomization is built, not applied: use `kubectl apply -k` on its folder.';
  }
  return null;
}

export function manifestObjects(text: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  splitDocuments(text).forEach((region, index) => {
    const place = { index, start: region.start, end: region.end };
    const { document, cutAt } = parseBoundedDocument(text.slice(region.start, region.end), { version: '1.1' });
    if (cutAt !== null) {
      objects.push({ ...place, object: null, problem: `This document nests deeper than ${MAX_DEPTH} levels, so it is not a Kubernetes object to apply.` });
      return;
    }
    if (document.errors.length > 0) {
      objects.push({ ...place, object: null, problem: `YAML error: ${document.errors[0].message.split('\n')[0]}` });
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      objects.push({ ...place, object: null, problem: `YAML error: ${(error as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return;
    const items = isRecord(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      const problem = objectProblem(item);
      objects.push({ ...place, object: problem === null ? (item as KubeObject) : null, problem });
    }
  });
  return objects;
}

/** The reference of an object as written (namespace null when the file names none). */
export function refOf(object: KubeObject): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name ?? '', namespace: object.metadata.namespace ?? null };
}

/** "deployment.apps/web", "service/web": how kubectl names an object in its output. */
export function displayName(ref: Pick<ObjectRef, 'apiVersion' | 'kind' | 'name'>): string {
  const group = apiGroup(ref.apiVersion);
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
}
