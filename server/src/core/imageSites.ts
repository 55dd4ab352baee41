/**
 * Every place in a file that names a pullable image, with its parsed reference and absolute spans:
 * the image values of every location (containers, image volumes, the custom resources' fields), and kustomize `images:` entries that set a tag or a digest (an entry
 * that only renames keeps each matched image's own tag, so there is nothing to look up).
 * Registry findings, registry queries and pinning all walk the file through this one list.
 */
import type { Analysis, AnalyzedDocument } from './analysis';
import { builtHere, valueSpanToSource } from './diagnostics/imageFindings';
import { isTemplated } from './diagnostics/templates';
import { anonymousPullQuery, referenceQueries, referenceOf } from './facts';
import type { AnonymousPullQuery, ManifestQuery } from './facts';
import { valuesPolicyRecord } from './helm/location';
import type { ValuesImage } from './helm/types';
import type { ContainerFields, KustomizeImageFields } from './manifest/imageFields';
import type { YamlScalar } from './manifest/yamlTree';
import type { ImageLocation } from './manifest/locations';
import { policyOf } from './policy/pullPolicy';
import type { PolicyHolder } from './policy/pullPolicy';
import { koImportPath } from './reference/ko';
import { parseReference } from './reference/reference';
import type { ImageReference } from './reference/reference';
import type { Span } from './span';

export interface ImageSite {
  readonly doc: AnalyzedDocument;
  readonly ref: ImageReference;
  /** The whole image value (for kustomize: `newName`, else `name`), absolute. */
  readonly span: Span;
  /** The tag as written (for kustomize: the `newTag` value), absolute; null when there is none. */
  readonly tagSpan: Span | null;
  /** The digest as written (for kustomize: the `digest` value), absolute; null when there is none. */
  readonly digestSpan: Span | null;
  readonly container: ContainerFields | null;
  readonly entry: KustomizeImageFields | null;
  /** A Helm values image: `ref` is what the chart renders, `span` its repository's value (helm/). */
  readonly values: ValuesImage | null;
}

function absolute(doc: AnalyzedDocument, span: Span): Span {
  return { start: doc.start + span.start, end: doc.start + span.end };
}

function containerSite(doc: AnalyzedDocument, container: ContainerFields): ImageSite | null {
  const scalar = container.image?.value;
  const ref = referenceOf(scalar?.value);
  // An image built where it is named (Compose's `build`) is the build's output: no registry has it yet.
  if (!scalar || !ref || builtHere(container)) return null;
  const part = (span: Span | null): Span | null => (span ? absolute(doc, valueSpanToSource(scalar, span.start, span.end)) : null);
  return { doc, ref, span: absolute(doc, scalar), tagSpan: part(ref.parts.tag), digestSpan: part(ref.parts.digest), container, entry: null, values: null };
}

function plain(scalar: YamlScalar | null | undefined): string | null {
  return scalar && scalar.value !== '' && !isTemplated(scalar.value) ? scalar.value : null;
}

function kustomizeSite(doc: AnalyzedDocument, entry: KustomizeImageFields): ImageSite | null {
  const nameScalar = entry.newName?.value ?? entry.name?.value;
  const name = plain(nameScalar);
  const tag = plain(entry.newTag?.value);
  const digest = plain(entry.digest?.value);
  if (!nameScalar || name === null || (tag === null && digest === null)) return null;
  const parsed = parseReference(`${name}${tag === null ? '' : ':' + tag}${digest === null ? '' : '@' + digest}`);
  // The name must be a bare repository: a tag written into `name` makes the combination meaningless.
  if (!parsed.ok || parseReference(name).ok === false || /[:@]/.test(name.slice(name.lastIndexOf('/') + 1))) return null;
  return {
    doc,
    ref: parsed.value,
    span: absolute(doc, nameScalar),
    tagSpan: tag === null ? null : absolute(doc, entry.newTag!.value!),
    digestSpan: digest === null ? null : absolute(doc, entry.digest!.value!),
    container: null,
    entry,
    values: null,
  };
}

/** Where the chart's rendered part `role` is written (absolute); null when it comes from elsewhere. */
function writtenPart(doc: AnalyzedDocument, image: ValuesImage, role: 'repository' | 'tag' | 'digest'): Span | null {
  const scalar = image.rendered.parts.find((part) => part.role === role)?.scalar;
  return scalar ? absolute(doc, scalar) : null;
}

function valuesSite(doc: AnalyzedDocument, image: ValuesImage): ImageSite | null {
  const ref = image.rendered.ref;
  const span = writtenPart(doc, image, 'repository');
  if (!ref || !span) return null;
  return {
    doc,
    ref,
    span,
    tagSpan: writtenPart(doc, image, 'tag'),
    digestSpan: writtenPart(doc, image, 'digest'),
    container: null,
    entry: null,
    values: image,
  };
}

/** The image sites of a file in text order. */
export function imageSites(analysis: Analysis): ImageSite[] {
  const sites: ImageSite[] = [];
  for (const doc of analysis.documents) {
    for (const container of doc.analysis.fields.containers) {
      const site = containerSite(doc, container);
      if (site) sites.push(site);
    }
    for (const entry of doc.analysis.fields.kustomizeImages) {
      const site = kustomizeSite(doc, entry);
      if (site) sites.push(site);
    }
    for (const image of doc.analysis.fields.values?.images ?? []) {
      const site = valuesSite(doc, image);
      if (site) sites.push(site);
    }
  }
  return sites.sort((a, b) => a.span.start - b.span.start);
}

/** What pulls a site's image: the image as pulled, the record its pull policy comes from, the pull secrets it has. */
export interface Puller {
  readonly image: string;
  readonly record: PolicyHolder & { readonly location: ImageLocation };
  readonly pullSecrets: readonly YamlScalar[];
}

/** The puller of a container's image or of the image a values file makes the chart render; null for kustomize entries, which pull nothing. */
export function pullerOf(site: ImageSite): Puller | null {
  const container = site.container;
  const image = container?.image?.value?.value;
  if (container && image) return { image, record: container, pullSecrets: container.pullSecrets };
  const values = site.values;
  if (values) return { image: values.rendered.text, record: valuesPolicyRecord(values.rendered.text, values.pullPolicy), pullSecrets: values.pullSecrets };
  return null;
}

/** The manifest queries a file needs, each unique query once, in text order. */
export function factQueries(analysis: Analysis): ManifestQuery[] {
  const queries = new Map<string, ManifestQuery>();
  for (const site of imageSites(analysis)) {
    for (const query of referenceQueries(site.ref)) if (!queries.has(query.key)) queries.set(query.key, query);
  }
  return [...queries.values()];
}

/**
 * The anonymous-pull questions of a file: one per repository that the kubelet pulls for some image field
 * (its effective pull policy is not Never) without pull secrets, in text order.
 * Images with pull secrets, kustomize entries (which pull nothing), and images Compose or a build pulls
 * ask none; a values image asks for the reference its chart renders.
 */
export function anonymousPullQueries(analysis: Analysis): AnonymousPullQuery[] {
  const queries: AnonymousPullQuery[] = [];
  const seen = new Set<string>();
  for (const site of imageSites(analysis)) {
    const puller = pullerOf(site);
    if (!puller || puller.pullSecrets.length > 0 || !puller.record.location.policy?.kubelet) continue;
    const decision = policyOf(puller.record);
    if (!decision || decision.behaviour === 'never') continue;
    const query = anonymousPullQuery(site.ref);
    // One per repository and pulled reference: the probe is made for the first whose image turns out to exist.
    const id = `${query.key} ${query.manifestKey}`;
    if (!seen.has(id)) queries.push(query);
    seen.add(id);
  }
  return queries;
}

/** An image field no pin can touch, with why; `broken` when the image cannot be pulled as written. */
export interface UnpinnableImage {
  readonly start: number;
  readonly end: number;
  readonly why: string;
  readonly broken: boolean;
}

/** The findings that mark an image value pinning cannot read as a reference. */
const UNPINNABLE: ReadonlyMap<string, boolean> = new Map([
  ['templated-image', false],
  ['invalid-reference', true],
  ['image-not-string', true],
]);

/**
 * Every image field of a file that is not an image site, in text order: placeholders, `ko://` values,
 * values that do not parse or are not strings. Pinning says so for each instead of passing over it.
 */
export function unpinnableImages(analysis: Analysis): UnpinnableImage[] {
  const found: UnpinnableImage[] = [];
  for (const doc of analysis.documents) {
    for (const finding of doc.analysis.findings) {
      const broken = UNPINNABLE.get(finding.code);
      if (broken !== undefined) found.push({ start: doc.start + finding.start, end: doc.start + finding.end, why: finding.message, broken });
    }
    for (const container of doc.analysis.fields.containers) {
      const scalar = container.image?.value;
      if (!scalar || !koImportPath(scalar.value)) continue;
      found.push({ ...absolute(doc, scalar), why: 'ko replaces a ko:// value with the reference of the image it builds.', broken: false });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
