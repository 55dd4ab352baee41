/**
 * A resource file as a build writes its images: each image value a transformer changes is replaced
 * by the image the build writes (quoted, so YAML reads it as a string), and nothing else moves.
 * Analysing that text gives every finding about the built images with the editor's own rules
 * (policies, pinning, registry answers); `placeOf` then puts each back where the user changes it.
 *
 * A finding on a rewritten image goes to the field that wrote the part it is about:
 *  - findings about the tag or digest (`:latest`, not pinned, tag or digest not found, stale pin)
 *    go to the entry that set the tag or digest last (its `digest` for a digest finding, else its
 *    `newTag`, `digest` or `tagSuffix`), or to the image in the resource file when no entry did;
 *  - any other finding on the image (invalid reference, registry unreachable, pull would fail) goes
 *    to the last entry that matched: its `newName`, else the field it set.
 * A finding elsewhere (a pull policy, a missing image) stays where it is in the resource file.
 */
import type { Analysis } from '../analysis';
import type { DiagnosticCode } from '../diagnostics/catalog';
import { applyEdits } from '../edits/textEdit';
import type { TextEdit } from '../edits/textEdit';
import type { ContainerFields } from '../manifest/imageFields';
import type { Span } from '../span';
import type { TransformStep } from './build';
import { effectiveImage } from './effectiveImage';
import type { EffectiveImage, ImageSource } from './effectiveImage';
import type { FieldSpec } from './fieldSpecs';
import { mergeSpecs } from './fieldSpecs';
import type { ImageEntryKey } from './kustomization';
import { documentTargets } from './overlays';

export interface Rewrite extends Span {
  /** Where the rendered text holds the built image. */
  readonly rendered: Span;
  readonly written: string;
  readonly image: EffectiveImage;
  readonly container: ContainerFields;
  /** The container's mapping in the original text: findings about it (its pull policy) depend on the built image. */
  readonly containerSpan: Span;
}

/** The rendered text, what was rewritten in it (in text order), and the entries whose name is not evaluated here that reached an image of it. */
export interface RenderedResource {
  readonly rewrites: readonly Rewrite[];
  readonly unevaluated: readonly ImageSource[];
  readonly text: string;
}

/** The text of `analysis` with the images the transformer `steps` write. */
export function renderResource(analysis: Analysis, steps: readonly TransformStep[]): RenderedResource {
  const found: { edit: TextEdit; written: string; image: EffectiveImage; container: ContainerFields; containerSpan: Span }[] = [];
  const unevaluated: ImageSource[] = [];
  let specs: readonly FieldSpec[] = [];
  for (const step of steps) specs = mergeSpecs(specs, step.specs);
  if (steps.length > 0) {
    for (const doc of analysis.documents) {
      const containers = doc.analysis.fields.containers.filter((c) => c.image?.value);
      if (containers.length === 0) continue;
      const targets = documentTargets(analysis, doc, specs);
      const seen = new Set<number>();
      for (const container of containers) {
        const written = container.image!.value!;
        const start = doc.start + written.start;
        if (seen.has(start)) continue;
        seen.add(start);
        const image = effectiveImage(written.value, targets.get(start), steps);
        unevaluated.push(...image.unevaluated);
        if (image.value === written.value) continue;
        const edit = { start, end: doc.start + written.end, newText: JSON.stringify(image.value) };
        found.push({ edit, written: written.value, image, container, containerSpan: { start: doc.start + container.start, end: doc.start + container.end } });
      }
    }
  }
  found.sort((a, b) => a.edit.start - b.edit.start);
  let shift = 0;
  const rewrites = found.map(({ edit, ...rest }) => {
    const rendered = { start: edit.start + shift, end: edit.start + shift + edit.newText.length };
    shift += edit.newText.length - (edit.end - edit.start);
    return { start: edit.start, end: edit.end, rendered, ...rest };
  });
  return {
    text: applyEdits(
      analysis.text,
      found.map((f) => f.edit),
    ),
    rewrites,
    unevaluated,
  };
}

/** The offset in the original text of `offset` in the rendered one, and the rewrite it falls in, if any. */
export function originalOffset(rendered: RenderedResource, offset: number): { readonly offset: number; readonly rewrite: Rewrite | null } {
  let shift = 0;
  for (const rewrite of rendered.rewrites) {
    if (offset < rewrite.rendered.start) break;
    if (offset < rewrite.rendered.end) return { offset: rewrite.start, rewrite };
    shift = rewrite.end - rewrite.rendered.end;
  }
  return { offset: offset + shift, rewrite: null };
}

/** Findings about the tag or digest of an image, which the field that wrote them fixes. */
const TAG_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  'implicit-latest',
  'latest-tag',
  'not-pinned',
  'digest-with-latest',
  'tag-not-found',
  'digest-not-found',
  'stale-pin',
]);
const DIGEST_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(['digest-not-found', 'stale-pin']);

/** A place in a kustomization file: an `images:` entry's field. */
export interface EntryPlace {
  readonly file: string;
  readonly entry: ImageSource['entry'];
  readonly span: Span;
}

function fieldOf(source: ImageSource, order: readonly ImageEntryKey[]): EntryPlace {
  const { fields } = source.entry;
  const key = order.find((k) => fields[k] !== undefined);
  const field = key === undefined ? source.entry : fields[key]!;
  return { file: source.file, entry: source.entry, span: { start: field.start, end: field.end } };
}

/** Where a finding `code` on a rewritten image belongs: an entry's field, or null for the image in the resource file. */
export function placeOf(code: DiagnosticCode, image: EffectiveImage): EntryPlace | null {
  if (TAG_CODES.has(code)) {
    if (image.tag === null) return null;
    return fieldOf(image.tag, DIGEST_CODES.has(code) ? ['digest', 'newTag', 'tagSuffix'] : ['newTag', 'digest', 'tagSuffix']);
  }
  return image.last && fieldOf(image.last, ['newName', 'newTag', 'digest', 'tagSuffix']);
}
