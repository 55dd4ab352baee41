/**
 * The colours of a file: one token per part of every image value the analysis understood (registry,
 * repository, tag, digest) and per pull policy its place accepts, so an editor colours exactly what is analysed.
 *
 * References come from `imageSites` (every pullable image the analysis found, whatever kind of field
 * holds it) and from kustomize `images:` entries, whose `name` and rename-only entries are no sites.
 * Values the analysis does not read as a reference (placeholders, `ko://`, invalid or non-string
 * values) get no tokens: their parts are unknown, and their diagnostic marks them instead.
 * A token covers characters as written: a value is placed only when written plainly or quoted
 * without escapes, since an escape or a folded line moves the characters away from the parsed parts.
 */
import type { Analysis } from '../analysis';
import { isTemplated } from '../diagnostics/templates';
import { valuesPolicyRecord } from '../helm/location';
import type { PartRole, ValuesImage } from '../helm/types';
import { imageSites } from '../imageSites';
import type { Field, KustomizeImageFields } from '../manifest/imageFields';
import type { PolicyHolder } from '../policy/pullPolicy';
import { isValidTag, parseDigest, parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { Span } from '../span';

/** The token types, in the order of the legend that front ends announce. */
export const IMAGE_TOKEN_TYPES = ['imageRegistry', 'imageRepository', 'imageTag', 'imageDigest', 'imagePullPolicy'] as const;
export type ImageTokenType = (typeof IMAGE_TOKEN_TYPES)[number];

/** The token modifiers, in legend order: `latest` marks the tag that moves with every push. */
export const IMAGE_TOKEN_MODIFIERS = ['latest'] as const;
export type ImageTokenModifier = (typeof IMAGE_TOKEN_MODIFIERS)[number];

/** A half-open span of absolute UTF-16 offsets on one line. */
export interface ImageToken {
  readonly start: number;
  readonly end: number;
  readonly type: ImageTokenType;
  readonly modifiers: readonly ImageTokenModifier[];
}

const NO_MODIFIERS: readonly ImageTokenModifier[] = Object.freeze([]);
const LATEST: readonly ImageTokenModifier[] = Object.freeze(['latest']);

/** A value's characters in the source: `start` is where `text` begins, inside the quotes if any. */
interface Written {
  readonly start: number;
  readonly text: string;
}

/** The value as written at `span`: the text itself, or the text inside matching quotes. */
function written(source: string, span: Span): Written {
  const text = source.slice(span.start, span.end);
  const quote = text.charAt(0);
  if (text.length >= 2 && (quote === '"' || quote === "'") && text.endsWith(quote)) return { start: span.start + 1, text: text.slice(1, -1) };
  return { start: span.start, text };
}

/** Where `value` is written at `span` character for character, or null (escaped, folded, or something else). */
function placed(source: string, span: Span, value: string): Span | null {
  const at = written(source, span);
  return at.text === value ? { start: at.start, end: at.start + value.length } : null;
}

function token(span: Span, type: ImageTokenType, modifiers = NO_MODIFIERS): ImageToken {
  return { start: span.start, end: span.end, type, modifiers };
}

function tagToken(span: Span, tag: string): ImageToken {
  return token(span, 'imageTag', tag === 'latest' ? LATEST : NO_MODIFIERS);
}

/** The separate spans of a tag and a digest kept in fields of their own (kustomize `newTag`, `digest`). */
interface ApartSpans {
  readonly tagSpan: Span | null;
  readonly digestSpan: Span | null;
}

/**
 * The tokens of `ref`, whose input starts with the value written at `span` (the whole reference, or
 * just its name when the tag and digest are written apart, at `apart`).
 */
function referenceTokens(source: string, span: Span, ref: ImageReference, apart: ApartSpans, out: ImageToken[]): void {
  const at = written(source, span);
  const { domain, path, tag, digest } = ref.parts;
  // The written value must be the input's beginning up to at least the repository, unescaped.
  if (!ref.input.startsWith(at.text) || at.text.length < path.end) return;
  const inValue = (part: Span): Span | null => (part.end <= at.text.length ? { start: at.start + part.start, end: at.start + part.end } : null);
  if (domain) out.push(token(inValue(domain)!, 'imageRegistry'));
  out.push(token(inValue(path)!, 'imageRepository'));
  const tagAt = tag && (inValue(tag) ?? (apart.tagSpan && placed(source, apart.tagSpan, ref.tag!)));
  if (tagAt) out.push(tagToken(tagAt, ref.tag!));
  const digestAt = digest && (inValue(digest) ?? (apart.digestSpan && placed(source, apart.digestSpan, ref.digest!)));
  if (digestAt) out.push(token(digestAt, 'imageDigest'));
}

const NOT_APART: ApartSpans = { tagSpan: null, digestSpan: null };

/** A field's value with its absolute span, unless it is missing or holds a placeholder. */
function valueOf(docStart: number, field: Field | null): { span: Span; value: string } | null {
  const scalar = field?.value;
  if (!scalar || isTemplated(scalar.value)) return null;
  return { span: { start: docStart + scalar.start, end: docStart + scalar.end }, value: scalar.value };
}

/** A kustomize entry field by field, each read as kustomizeFindings (diagnostics/imageFindings.ts) checks it. */
function kustomizeTokens(source: string, docStart: number, entry: KustomizeImageFields, out: ImageToken[]): void {
  for (const name of [valueOf(docStart, entry.name), valueOf(docStart, entry.newName)]) {
    const parsed = name ? parseReference(name.value) : null;
    if (name && parsed?.ok) referenceTokens(source, name.span, parsed.value, NOT_APART, out);
  }
  const tag = valueOf(docStart, entry.newTag);
  const tagAt = tag && isValidTag(tag.value) && placed(source, tag.span, tag.value);
  if (tagAt) out.push(tagToken(tagAt, tag.value));
  const digest = valueOf(docStart, entry.digest);
  const digestAt = digest && parseDigest(digest.value).ok && placed(source, digest.span, digest.value);
  if (digestAt) out.push(token(digestAt, 'imageDigest'));
}

const PART_TOKENS: Readonly<Record<PartRole, ImageTokenType>> = {
  registry: 'imageRegistry',
  repository: 'imageRepository',
  tag: 'imageTag',
  digest: 'imageDigest',
};

/** A values image part by part, each in the scalar it is written in, when the chart renders a valid reference. */
function valuesTokens(source: string, docStart: number, image: ValuesImage, out: ImageToken[]): void {
  const { rendered } = image;
  if (!rendered.ref) return;
  for (const part of rendered.parts) {
    if (!part.scalar || part.start === part.end) continue;
    const value = rendered.text.slice(part.start, part.end);
    const at = placed(source, { start: docStart + part.scalar.start, end: docStart + part.scalar.end }, value);
    if (at) out.push(part.role === 'tag' ? tagToken(at, value) : token(at, PART_TOKENS[part.role]));
  }
}

/** A pull policy its place's rule accepts (Kubernetes' `Always`, Compose's `missing`). */
function pullPolicyTokens(source: string, docStart: number, holder: PolicyHolder & { readonly pullPolicy: Field | null }, out: ImageToken[]): void {
  const policy = valueOf(docStart, holder.pullPolicy);
  const rule = holder.location.policy;
  const accepted = policy && rule?.behaviourOf(policy.value, holder.image?.value?.value ?? '');
  const at = policy && accepted && placed(source, policy.span, policy.value);
  if (at) out.push(token(at, 'imagePullPolicy'));
}

/**
 * The tokens of the analysed file that touch `range` (the whole file by default), in text order and
 * never overlapping: where two sources give the same characters, the first in text order stays.
 */
export function computeImageTokens(analysis: Analysis, range: Span = { start: 0, end: Infinity }): ImageToken[] {
  const source = analysis.text;
  const found: ImageToken[] = [];
  for (const site of imageSites(analysis)) {
    // A values image is written part by part (valuesTokens).
    if (site.values === null && site.span.end >= range.start && site.span.start <= range.end) referenceTokens(source, site.span, site.ref, site, found);
  }
  for (const doc of analysis.documents) {
    if (doc.end < range.start || doc.start > range.end) continue;
    for (const container of doc.analysis.fields.containers) pullPolicyTokens(source, doc.start, container, found);
    for (const entry of doc.analysis.fields.kustomizeImages) kustomizeTokens(source, doc.start, entry, found);
    for (const image of doc.analysis.fields.values?.images ?? []) {
      valuesTokens(source, doc.start, image, found);
      pullPolicyTokens(source, doc.start, valuesPolicyRecord(image.rendered.text, image.pullPolicy), found);
    }
  }
  found.sort((a, b) => a.start - b.start || a.end - b.end);
  const tokens: ImageToken[] = [];
  for (const t of found) {
    if (t.end <= range.start || t.start >= range.end) continue;
    if (tokens.length === 0 || t.start >= tokens[tokens.length - 1].end) tokens.push(t);
  }
  return tokens;
}
