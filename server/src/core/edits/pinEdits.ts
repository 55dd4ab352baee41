/**
 * Pinning: rewriting `repo:tag` as `repo:tag@sha256:…` with the digest the registry gave for the tag.
 * The edit replaces only the image scalar, in its own quoting style (fieldEdits.replaceScalar), and
 * keeps the domain and path exactly as written.
 * A kustomize `images:` entry with `newTag` and no `digest` is pinned by adding `digest: sha256:…` on
 * a new line after `newTag`, at its column (`, digest: …` in a flow mapping), so kustomize writes
 * `name:tag@digest`; where the tag is not kept (keepTag off, or `latest`), the `newTag` entry itself
 * becomes the `digest` entry, so kustomize writes `name@digest`. "Update pinned digest" (repinSite)
 * replaces the digest of a stale pin (the whole image scalar, or the entry's `digest` scalar) and keeps
 * the tag.
 *
 * `pin.keepTag` keeps the written tag next to the digest (for people; the runtime ignores it), except
 * `latest`: with a digest it only makes Kubernetes default imagePullPolicy to Always (digest-with-latest).
 * `pin.platform` pins one platform's image of a multi-platform index instead of the index; when the
 * index has no such platform, the index is pinned and the result says so.
 *
 * Every pin is checked before it is returned (checkEdits.ts): the edited document is read again and
 * the image must parse as the written repository with the intended tag and digest (a kustomize
 * `digest:` as that digest), the digest must be a valid OCI digest, and nothing else may change. A
 * pin that fails is a RefusedPin with the reason, never an edit. Pinning a whole file checks the
 * pins of each document together, so the check costs two parses per document, not per image.
 */
import type { Analysis, AnalyzedDocument } from '../analysis';
import { tagAnswer } from '../facts';
import type { ManifestFound, RegistryFacts } from '../facts';
import { imageSites } from '../imageSites';
import type { ImageSite } from '../imageSites';
import { isOciDigest } from '../reference/digest';
import { parseReference } from '../reference/reference';
import type { ImageReference } from '../reference/reference';
import type { PinSettings } from '../settings';
import { planValuesPin, valuesPinnedValue } from '../helm/valuesPin';
import { EditChecker, expecting, quoteValue, readsAsDigest } from './checkEdits';
import type { EditRefusal, PlannedEdit, ValueCheck } from './checkEdits';
import { insertEntryAfter, replaceEntry, replaceScalar } from './fieldEdits';
import type { TextEdit } from './textEdit';

/** The written image with its tag and digest replaced, keeping the domain and path as written. */
export function withTagAndDigest(ref: ImageReference, tag: string | null, digest: string | null): string {
  const name = ref.input.slice(0, ref.parts.path.end);
  return `${name}${tag === null ? '' : ':' + tag}${digest === null ? '' : '@' + digest}`;
}

/**
 * Checks an image value read back from the file: a valid reference naming the repository exactly as
 * `ref` writes it, with `tag` and `digest`; a digest it did not hold before must be a valid OCI digest.
 */
export function readsAsImage(ref: ImageReference, tag: string | null, digest: string | null): ValueCheck {
  const name = ref.input.slice(0, ref.parts.path.end);
  const shown = (part: string | null): string => (part === null ? 'none' : quoteValue(part));
  return (value) => {
    const parsed = parseReference(value);
    if (!parsed.ok) return `the image would read ${quoteValue(value)}, which is not a valid image reference`;
    const read = parsed.value;
    const readName = value.slice(0, read.parts.path.end);
    if (readName !== name) return `the image would name ${quoteValue(readName)}, not ${quoteValue(name)}`;
    if (read.tag !== tag) return `the image's tag would be ${shown(read.tag)}, not ${shown(tag)}`;
    if (read.digest !== digest) return `the image's digest would be ${shown(read.digest)}, not ${shown(digest)}`;
    if (digest !== null && digest !== ref.digest && !isOciDigest(digest)) return `${quoteValue(digest)} is not a valid OCI digest`;
    return null;
  };
}

export interface PinChoice {
  readonly digest: string;
  /** The platform pinned, or null for the index (or a single-platform image). */
  readonly platform: string | null;
  /** True when a platform was asked for but the index has none such, so the index is pinned. */
  readonly platformMissing: boolean;
}

/** Which digest to pin for a tag's answer under the pin settings. */
export function choosePin(found: ManifestFound, pin: PinSettings): PinChoice {
  if (pin.platform === null || !found.isIndex) return { digest: found.digest, platform: null, platformMissing: false };
  const platform = found.platforms.find((p) => [p.os, p.architecture, p.variant].filter(Boolean).join('/') === pin.platform);
  // "linux/arm64" also matches an index entry written with its usual variant ("linux/arm64/v8").
  const loose = platform ?? found.platforms.find((p) => `${p.os}/${p.architecture}` === pin.platform);
  return loose ? { digest: loose.digest, platform: pin.platform, platformMissing: false } : { digest: found.digest, platform: null, platformMissing: true };
}

/** Whether a pin keeps the written tag next to the digest. */
function keepsTag(ref: ImageReference, pin: PinSettings): boolean {
  return pin.keepTag && ref.tag !== null && ref.tag !== 'latest';
}

/** The image value pinned to digest, with the tag kept or dropped as the settings say. */
export function pinnedValue(ref: ImageReference, digest: string, pin: PinSettings): string {
  return withTagAndDigest(ref, keepsTag(ref, pin) ? ref.tag : null, digest);
}

export interface PinnedImage {
  readonly site: ImageSite;
  /** Checked: it does exactly what the pin means (checkEdits.ts). */
  readonly edit: TextEdit;
  /** The image the pin makes the workload run (for kustomize: what the entry rewrites images to). */
  readonly value: string;
  readonly choice: PinChoice;
}

/** A pin the registry's answer made possible but that was refused, and why. */
export interface RefusedPin {
  readonly site: ImageSite;
  readonly refusal: EditRefusal;
}

/** A pin before its check. */
interface PlannedPin {
  readonly site: ImageSite;
  readonly planned: PlannedEdit;
  readonly value: string;
  readonly choice: PinChoice;
}

export function isRefused(outcome: PinnedImage | RefusedPin): outcome is RefusedPin {
  return 'refusal' in outcome;
}

function refused(site: ImageSite, reason: string): RefusedPin {
  return { site, refusal: { start: site.span.start, end: site.span.end, reason } };
}

function planPin(text: string, site: ImageSite, facts: RegistryFacts, pin: PinSettings): PlannedPin | RefusedPin | null {
  if (site.ref.digest !== null) return null;
  const scalar = site.container?.image?.value;
  const newTag = site.entry?.newTag;
  if (!scalar && !(site.entry && newTag?.value) && !site.values) return null;
  const answer = tagAnswer(facts, site.ref);
  if (answer?.status !== 'found') return null;
  if (site.values) {
    const choice = choosePin(answer, pin);
    const planned = planValuesPin(text, site.doc.start, site.values, choice.digest);
    return typeof planned === 'string' ? refused(site, planned) : { site, planned, choice, value: valuesPinnedValue(site.values, choice.digest) };
  }
  // A `digest:` whose value is empty or templated: adding another would make the key appear twice.
  if (site.entry?.digest) return refused(site, 'its "digest:" entry holds no digest to replace (it is empty or templated)');
  const choice = choosePin(answer, pin);
  const value = pinnedValue(site.ref, choice.digest, pin);
  if (scalar) {
    const expect = readsAsImage(site.ref, keepsTag(site.ref, pin) ? site.ref.tag : null, choice.digest);
    return { site, value, choice, planned: expecting(replaceScalar(site.doc.start, scalar, value), expect) };
  }
  const entry = keepsTag(site.ref, pin)
    ? insertEntryAfter(text, site.doc.start, site.entry!, newTag!, 'digest', choice.digest)
    : replaceEntry(site.doc.start, newTag!, 'digest', choice.digest);
  return { site, value, choice, planned: expecting(entry, readsAsDigest(choice.digest)) };
}

function checked(plan: PlannedPin, checker: EditChecker): PinnedImage | RefusedPin {
  const result = checker.check([plan.planned]);
  return result.ok ? { site: plan.site, value: plan.value, choice: plan.choice, edit: result.edits[0] } : { site: plan.site, refusal: result.refusal };
}

/**
 * The edit for one image site of the file `text` under the registry's facts, checked, or null when
 * there is nothing to do. `checker` may be shared by the calls for one document, so it is parsed once.
 */
export type SitePin = (text: string, site: ImageSite, facts: RegistryFacts, pin: PinSettings, checker?: EditChecker) => PinnedImage | RefusedPin | null;

/**
 * Pins one image site (a container image, or a kustomize entry with `newTag`), refused when its
 * check fails; null when it is pinned already or its tag is not known to exist.
 */
export const pinSite: SitePin = (text, site, facts, pin, checker = new EditChecker(text, site.doc)) => {
  const plan = planPin(text, site, facts, pin);
  return plan === null || 'refusal' in plan ? plan : checked(plan, checker);
};

/** The planned edit that makes a pinned site name `digest` instead (Update pinned digest), keeping its tag. */
function repinEdit(site: ImageSite, digest: string): PlannedEdit | null {
  const ref = site.ref;
  if (ref.digest === null) return null;
  const scalar = site.container?.image?.value;
  if (scalar) return expecting(replaceScalar(site.doc.start, scalar, withTagAndDigest(ref, ref.tag, digest)), readsAsImage(ref, ref.tag, digest));
  const written = site.entry?.digest?.value ?? site.values?.digest?.value;
  return written ? expecting(replaceScalar(site.doc.start, written, digest), readsAsDigest(digest)) : null;
}

/**
 * Update pinned digest for a site pinned as `repo:tag@digest` whose tag the facts say names another
 * image now, keeping the tag, refused when its check fails; null when the site has no tag or no
 * digest, its tag is not known to exist, or its digest is what the tag names (the index, or one
 * platform's image of it: what pinning a platform writes). `site.ref.digest` is the digest the
 * result replaces.
 */
export const repinSite: SitePin = (text, site, facts, pin, checker = new EditChecker(text, site.doc)) => {
  const ref = site.ref;
  if (ref.tag === null || ref.digest === null) return null;
  const answer = tagAnswer(facts, ref);
  if (answer?.status !== 'found' || answer.digest === ref.digest || answer.platforms.some((p) => p.digest === ref.digest)) return null;
  const choice = choosePin(answer, pin);
  const planned = repinEdit(site, choice.digest);
  const value = site.values ? valuesPinnedValue(site.values, choice.digest) : withTagAndDigest(ref, ref.tag, choice.digest);
  return planned && checked({ site, planned, value, choice }, checker);
};

/**
 * Pin the index for a site pinned as `repo:tag@digest` whose digest is one platform's image of the index
 * the tag points to (single-platform-pin): the index digest replaces it and the tag is kept; null otherwise.
 */
export const pinIndexSite: SitePin = (text, site, facts, _pin, checker = new EditChecker(text, site.doc)) => {
  const ref = site.ref;
  if (ref.tag === null || ref.digest === null) return null;
  const answer = tagAnswer(facts, ref);
  if (answer?.status !== 'found' || !answer.isIndex || !answer.platforms.some((p) => p.digest === ref.digest)) return null;
  const planned = repinEdit(site, answer.digest);
  const value = site.values ? valuesPinnedValue(site.values, answer.digest) : withTagAndDigest(ref, ref.tag, answer.digest);
  return planned && checked({ site, planned, value, choice: { digest: answer.digest, platform: null, platformMissing: false } }, checker);
};

export interface FilePins {
  readonly pins: readonly PinnedImage[];
  readonly refused: readonly RefusedPin[];
}

/**
 * Pin edits for every image of a file that has a tag but no digest and whose tag the facts know:
 * container images and kustomize `images:` entries with `newTag`. Containers whose image is one
 * anchored scalar (`image: *img`) share one edit. The pins of one document are checked together;
 * when that fails, each alone, and the ones that pass together again.
 */
export function pinFileEdits(analysis: Analysis, facts: RegistryFacts, pin: PinSettings): FilePins {
  const pins: PinnedImage[] = [];
  const refusals: RefusedPin[] = [];
  const planned = new Map<AnalyzedDocument, PlannedPin[]>();
  const edited = new Set<string>();
  for (const site of imageSites(analysis)) {
    const plan = planPin(analysis.text, site, facts, pin);
    if (plan === null) continue;
    if ('refusal' in plan) refusals.push(plan);
    else if (!edited.has(`${plan.planned.edit.start}-${plan.planned.edit.end}`)) {
      edited.add(`${plan.planned.edit.start}-${plan.planned.edit.end}`);
      const inDocument = planned.get(site.doc) ?? [];
      planned.set(site.doc, inDocument);
      inDocument.push(plan);
    }
  }
  for (const [doc, plans] of planned) {
    const checker = new EditChecker(analysis.text, doc);
    let passing = plans;
    let together = checker.check(passing.map((p) => p.planned));
    if (!together.ok) {
      const alone = plans.map((plan) => ({ plan, outcome: checked(plan, checker) }));
      refusals.push(...alone.flatMap(({ outcome }) => (isRefused(outcome) ? [outcome] : [])));
      passing = alone.filter(({ outcome }) => !isRefused(outcome)).map(({ plan }) => plan);
      together = checker.check(passing.map((p) => p.planned));
    }
    if (together.ok) {
      const edits = together.edits;
      passing.forEach((plan, i) => pins.push({ site: plan.site, value: plan.value, choice: plan.choice, edit: edits[i] }));
    } else {
      const { refusal } = together;
      refusals.push(...passing.map((plan) => ({ site: plan.site, refusal })));
    }
  }
  return { pins, refused: refusals.sort((a, b) => a.site.span.start - b.site.span.start) };
}
