/**
 * Finds which image-related field an offset is on, for hover, completion and code actions.
 * Offsets in and out are absolute; the lookup works on one document's relative spans.
 */
import { lineEndOf } from '../lines';
import { documentAt } from '../analysis';
import type { Analysis, AnalyzedDocument } from '../analysis';
import type { ValuesImage } from '../helm/types';
import type { ContainerFields, Field, KustomizeImageFields } from '../manifest/imageFields';
import type { Span } from '../span';

export type FieldHit =
  | {
      readonly kind: 'image' | 'pullPolicy';
      readonly container: ContainerFields;
      readonly field: Field;
      readonly doc: AnalyzedDocument;
      /** Where the hit is when it is not on the field: a Dockerfile's `${BASE}` that uses the ARG default holding the image. */
      readonly use?: Span;
    }
  | { readonly kind: 'kustomize'; readonly entry: KustomizeImageFields; readonly field: Field; readonly doc: AnalyzedDocument }
  | { readonly kind: 'values'; readonly image: ValuesImage; readonly field: Field; readonly doc: AnalyzedDocument };

/** True when offset is on the key, or anywhere from the key to the end of its value. */
function onField(field: Field | null, offset: number): field is Field {
  if (!field) return false;
  const end = field.value ? field.value.end : field.key.end + 1;
  return offset >= field.key.start && offset <= end;
}

/**
 * The image record (container, image volume, …) whose mapping spans offset, if any. A block mapping counts to the end of its last
 * line: a mapping whose last key has no value yet ends at that key, and the cursor of someone
 * typing the value (`imagePullPolicy: |`) is past it, yet completion needs the container (and with
 * it the default to preselect).
 */
export function containerAt(analysis: Analysis, offset: number): ContainerFields | null {
  // Records nest (a Prometheus spec holds its containers): the innermost starts last.
  const found = spanning(analysis, offset, (doc) => doc.analysis.fields.containers);
  return found.reduce<ContainerFields | null>((inner, c) => (inner === null || c.start >= inner.start ? c : inner), null);
}

/**
 * The items of the document at offset whose reach covers it: a flow mapping reaches its closing
 * brace, a block one the end of its last line.
 */
function spanning<T extends { readonly start: number; readonly end: number; readonly flow?: boolean }>(
  analysis: Analysis,
  offset: number,
  itemsOf: (doc: AnalyzedDocument) => readonly T[],
): T[] {
  const doc = documentAt(analysis, offset);
  if (!doc) return [];
  const relative = offset - doc.start;
  return itemsOf(doc).filter((item) => {
    const end = item.flow ? item.end + 1 : lineEndOf(analysis.text, doc.start + item.end) - doc.start;
    return relative >= item.start && relative <= end;
  });
}

export function fieldAt(analysis: Analysis, offset: number): FieldHit | null {
  const doc = documentAt(analysis, offset);
  if (!doc) return null;
  const relative = offset - doc.start;
  for (const container of doc.analysis.fields.containers) {
    const use = container.build?.argument?.uses.find((span) => relative >= span.start && relative <= span.end);
    if (use && container.image) return { kind: 'image', container, field: container.image, doc, use };
    if (relative < container.start || relative > container.end + 1) continue;
    if (onField(container.image, relative)) return { kind: 'image', container, field: container.image, doc };
    if (onField(container.pullPolicy, relative)) return { kind: 'pullPolicy', container, field: container.pullPolicy, doc };
  }
  for (const entry of doc.analysis.fields.kustomizeImages) {
    if (relative < entry.start || relative > entry.end + 1) continue;
    for (const field of [entry.name, entry.newName, entry.newTag, entry.digest]) {
      if (onField(field, relative)) return { kind: 'kustomize', entry, field, doc };
    }
  }
  for (const image of doc.analysis.fields.values?.images ?? []) {
    if (relative < image.key.start || relative > image.end + 1) continue;
    const own = { key: image.key, value: null };
    for (const field of [image.registry, image.repository, image.name, image.tag, image.digest, image.pullPolicy, own]) {
      if (onField(field, relative)) return { kind: 'values', image, field, doc };
    }
  }
  return null;
}

/** The values image whose mapping spans offset (to the end of its last line), if any. */
export function valuesImageAt(analysis: Analysis, offset: number): ValuesImage | null {
  return spanning(analysis, offset, (doc) => doc.analysis.fields.values?.images ?? [])[0] ?? null;
}

/** The kustomize `images:` entry whose mapping spans offset (to the end of its last line), if any. */
export function kustomizeEntryAt(analysis: Analysis, offset: number): KustomizeImageFields | null {
  return spanning(analysis, offset, (doc) => doc.analysis.fields.kustomizeImages)[0] ?? null;
}
