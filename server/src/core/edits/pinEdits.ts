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
 */
import type { Analysis } from '../analysis';
import { tagAnswer } from '../facts';
import type { ManifestFound, RegistryFacts } from '../facts';
import { imageSites } from '../imageSites';
import type { ImageSite } from '../imageSites';
import type { ImageReference } from '../reference/reference';
import type { PinSettings } from '../settings';
import { insertEntryAfter, replaceEntry, replaceScalar } from './fieldEdits';
import type { TextEdit } from './textEdit';

/** The written image with its tag and digest replaced, keeping the domain and path as written. */
export function withTagAndDigest(ref: ImageReference, tag: string | null, digest: string | null): string {
  const name = ref.input.slice(0, ref.parts.path.end);
  return `${name}${tag === null ? '' : ':' + tag}${digest === null ? '' : '@' + digest}`;
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
  readonly edit: TextEdit;
  /** The image the pin makes the workload run (for kustomize: what the entry rewrites images to). */
  readonly value: string;
  readonly choice: PinChoice;
}

/**
 * The pin edit for one image site of the file `text` (a container image, or a kustomize entry with
 * `newTag`), or null when it is pinned already or its tag is not known to exist.
 */
export function pinSite(text: string, site: ImageSite, facts: RegistryFacts, pin: PinSettings): PinnedImage | null {
  if (site.ref.digest !== null) return null;
  const scalar = site.container?.image?.value;
  const newTag = site.entry?.newTag;
  if (!scalar && !(site.entry && newTag?.value)) return null;
  const answer = tagAnswer(facts, site.ref);
  if (answer?.status !== 'found') return null;
  const choice = choosePin(answer, pin);
  const value = pinnedValue(site.ref, choice.digest, pin);
  if (scalar) return { site, value, choice, edit: replaceScalar(site.doc.start, scalar, value) };
  const edit = keepsTag(site.ref, pin)
    ? insertEntryAfter(text, site.doc.start, site.entry!, newTag!, 'digest', choice.digest)
    : replaceEntry(site.doc.start, newTag!, 'digest', choice.digest);
  return { site, value, choice, edit };
}

/** The edit that makes a pinned site name `digest` instead (Update pinned digest), keeping its tag. */
export function repinEdit(site: ImageSite, digest: string): TextEdit | null {
  const ref = site.ref;
  if (ref.digest === null) return null;
  const scalar = site.container?.image?.value;
  if (scalar) return replaceScalar(site.doc.start, scalar, withTagAndDigest(ref, ref.tag, digest));
  const written = site.entry?.digest?.value;
  return written ? replaceScalar(site.doc.start, written, digest) : null;
}

/**
 * Update pinned digest for a site pinned as `repo:tag@digest` whose tag the facts say names another
 * image now, keeping the tag; null when the site has no tag or no digest, its tag is not known to
 * exist, or its digest is what the tag names (the index, or one platform's image of it: what
 * pinning a platform writes). `site.ref.digest` is the digest the result replaces.
 */
export function repinSite(site: ImageSite, facts: RegistryFacts, pin: PinSettings): PinnedImage | null {
  const ref = site.ref;
  if (ref.tag === null || ref.digest === null) return null;
  const answer = tagAnswer(facts, ref);
  if (answer?.status !== 'found' || answer.digest === ref.digest || answer.platforms.some((p) => p.digest === ref.digest)) return null;
  const choice = choosePin(answer, pin);
  const edit = repinEdit(site, choice.digest);
  return edit && { site, edit, value: withTagAndDigest(ref, ref.tag, choice.digest), choice };
}

/**
 * Pin edits for every image of a file that has a tag but no digest and whose tag the facts know:
 * container images and kustomize `images:` entries with `newTag`.
 */
export function pinFileEdits(analysis: Analysis, facts: RegistryFacts, pin: PinSettings): PinnedImage[] {
  return imageSites(analysis).flatMap((site) => pinSite(analysis.text, site, facts, pin) ?? []);
}
