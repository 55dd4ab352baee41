/**
 * The guard before a push: what the tag names in the registry now (asked past every cache), and
 * whether pushing over it needs the user's explicit consent. A push replaces the tag for everyone
 * who pulls it and cannot be undone, so a tag that names something, or a registry that cannot say
 * whether it does, is never pushed over silently; replacing a multi-platform index by the one
 * platform a build produces is said in so many words. The editor asks in a modal dialog, the CLI
 * refuses without --overwrite: both from the same question.
 */
import { effectiveTag, formatCreated, parseReference } from '../../core';
import type { ManifestInfo, PlatformInfo, RegistryClient } from '../../registry';
import { classify } from '../registryFailures';

/** What a tag names before the push. */
export type TagBeforePush =
  | { readonly state: 'new' }
  | {
      readonly state: 'names';
      readonly digest: string;
      /** An OCI image index or Docker manifest list. */
      readonly isIndex: boolean;
      /** `os/arch[/variant]` of each image (attestations left out); one for a single image whose config says it. */
      readonly platforms: readonly string[];
      /** When the image was built (an index: its newest image), as `2024-05-01 12:00 UTC`, or null when unknown. */
      readonly created: string | null;
      /** The registry could not be reached now: this is the answer it gave earlier. */
      readonly stale: boolean;
    }
  | { readonly state: 'unknown'; readonly reason: string };

/**
 * What the push will put under the tag: an image just built (one platform: the one asked for, or
 * null for the tool's default), or a local image named by the user, of which the tool port cannot
 * tell whether it is a manifest list, so it counts as one platform.
 */
export type PushSource = { readonly kind: 'built'; readonly platform: string | null } | { readonly kind: 'local' };

export interface OverwriteQuestion {
  /** One sentence: what the tag names and what the push does to it. */
  readonly message: string;
  /** The same on one line, for logs and the CLI: the digest, platforms and date, and what replaces them. */
  readonly summary: string;
  /** The digest, platforms and date, and what replaces them. */
  readonly detail: string;
  /** The button that pushes: "Overwrite" over a tag that names something, "Push Anyway" when that is unknown. */
  readonly action: 'Overwrite' | 'Push Anyway';
}

const PLATFORM_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const MAX_PLATFORMS_SHOWN = 8;

/** `os/arch[/variant]` as the registry wrote it, or null when a part is no plausible name (the registry is not trusted to write messages). */
function platformName(platform: { os?: string; architecture?: string; variant?: string }): string | null {
  const parts = [platform.os, platform.architecture, platform.variant].filter((part): part is string => part !== undefined && part !== '');
  return parts.length >= 2 && parts.every((part) => PLATFORM_PART.test(part)) ? parts.join('/') : null;
}

/** An RFC 3339 time from the registry, shown as `2024-05-01 12:00 UTC`; null when it is none. */
function createdOf(values: ReadonlyArray<string | undefined>): string | null {
  const times = values.filter((value): value is string => value !== undefined && value.length <= 40 && !Number.isNaN(Date.parse(value)));
  if (times.length === 0) return null;
  const newest = times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  return formatCreated(new Date(Date.parse(newest)).toISOString());
}

function describeAnswer(info: ManifestInfo): TagBeforePush {
  const isIndex = info.isIndex === true;
  const images: ReadonlyArray<PlatformInfo | ManifestInfo> = isIndex ? (info.platforms ?? []) : [info];
  const single = platformName(info);
  return {
    state: 'names',
    digest: info.digest,
    isIndex,
    // Every entry of an index counts, named or not; a single image has a platform only when its config says one.
    platforms: isIndex ? images.map((image) => platformName(image) ?? 'unknown') : single === null ? [] : [single],
    created: createdOf(images.map((image) => image.created)),
    stale: info.stale,
  };
}

/**
 * What `image` (a reference by tag) names in its registry now: its digest, whether it is an index,
 * its platforms and date (one manifest request, plus one for each image's manifest and config);
 * `new` when the registry has no such tag or repository, `unknown` with the reason when it cannot
 * say (unreachable, refused, a broken answer). Rejects when cancelled, and for an error that is no
 * registry's answer.
 */
export async function tagBeforePush(image: string, registry: RegistryClient, signal?: AbortSignal): Promise<TagBeforePush> {
  const parsed = parseReference(image);
  if (!parsed.ok) throw new Error(`Cannot push "${image}": ${parsed.error.message}`);
  const ref = parsed.value;
  try {
    const info = await registry.getManifest(
      { registry: ref.domain, path: ref.path, reference: effectiveTag(ref) },
      { detail: 'platforms', fresh: true, signal },
    );
    return describeAnswer(info);
  } catch (error) {
    const outcome = classify(ref.domain, error);
    if (outcome.answer?.status === 'not-found') return { state: 'new' };
    if (outcome.problem !== null) return { state: 'unknown', reason: outcome.problem.reason };
    throw error;
  }
}

function platformList(platforms: readonly string[]): string {
  const shown = platforms.slice(0, MAX_PLATFORMS_SHOWN).join(', ');
  return platforms.length > MAX_PLATFORMS_SHOWN ? `${shown} and ${platforms.length - MAX_PLATFORMS_SHOWN} more` : shown;
}

/** What a tag names, in a few words: `a 2-platform index (linux/amd64, linux/arm64)`, `an image (linux/amd64)`. */
function whatItNames(before: Extract<TagBeforePush, { state: 'names' }>): string {
  const platforms = before.platforms.length > 0 ? ` (${platformList(before.platforms)})` : '';
  return before.isIndex ? `a ${before.platforms.length}-platform index${platforms}` : `an image${platforms}`;
}

/** What a tag named, for a log line: `sha256:…, a 2-platform index (linux/amd64, linux/arm64) created 2024-05-01 12:00 UTC`. */
export function describeTag(before: Extract<TagBeforePush, { state: 'names' }>): string {
  const created = before.created === null ? '' : ` created ${before.created}`;
  const stale = before.stale ? ' (an earlier answer: the registry could not be reached now)' : '';
  return `${before.digest}, ${whatItNames(before)}${created}${stale}`;
}

function sourceText(source: PushSource): string {
  if (source.kind === 'local') return 'the local image, counted as one platform (the build tool cannot say whether it holds a manifest list under this name)';
  return `the image just built, for one platform (${source.platform ?? "the build tool's default"})`;
}

/** The question to ask before pushing `source` over `image`, or null when the tag is new and nothing needs asking. */
export function overwriteQuestion(image: string, before: TagBeforePush, source: PushSource): OverwriteQuestion | null {
  if (before.state === 'new') return null;
  if (before.state === 'unknown') {
    return {
      message: `Could not find out whether ${image} already names an image, so a push may overwrite it.`,
      summary: `could not find out whether ${image} already names an image: ${before.reason.replace(/\.$/, '')}`,
      detail: `${before.reason}\nPushing puts ${sourceText(source)} under the tag, whatever it names now.`,
      action: 'Push Anyway',
    };
  }
  const created = before.created === null ? 'date unknown' : `created ${before.created}`;
  const stale = before.stale ? '\n(An earlier answer: the registry could not be reached now.)' : '';
  const now = `${image} names ${whatItNames(before)}, ${created}:\n${before.digest}${stale}`;
  const named = `${image} names ${describeTag(before)}`;
  if (before.isIndex && before.platforms.length > 1) {
    return {
      message: `Overwrite the ${before.platforms.length}-platform index ${image} with a single-platform image?`,
      summary: `${named}; the push replaces it with a single-platform image`,
      detail: `${now}\n\nPushing replaces it with ${sourceText(source)}: the tag no longer serves the other platforms, and everything that pulls ${image} gets the new image.`,
      action: 'Overwrite',
    };
  }
  return {
    message: `Overwrite ${image}? The tag already names ${whatItNames(before)}.`,
    summary: `${named}; the push replaces it`,
    detail: `${now}\n\nPushing replaces it with ${sourceText(source)}: everything that pulls ${image} gets the new image.`,
    action: 'Overwrite',
  };
}

/** Whether two answers about a tag say the same: the consent given for one holds for the other. */
export function sameTagState(a: TagBeforePush, b: TagBeforePush): boolean {
  if (a.state === 'names' && b.state === 'names') return a.digest === b.digest;
  return a.state === b.state;
}

export interface GuardOptions {
  readonly source: PushSource;
  /** Asked when the push needs consent; true pushes. */
  readonly confirm: (question: OverwriteQuestion, before: TagBeforePush) => Promise<boolean>;
  /** What the tag named when the user last agreed (before a build, say): asked again only when it names something else now. */
  readonly agreed?: TagBeforePush;
  readonly signal?: AbortSignal;
}

export interface Guarded {
  /** Whether to push: the tag is new, or the user consented (now or, to the same answer, before). */
  readonly push: boolean;
  readonly before: TagBeforePush;
  /** What was asked, or null when nothing needed asking. */
  readonly question: OverwriteQuestion | null;
}

/** Asks the registry what `image` names now and, when pushing over it needs consent, for that consent. */
export async function guardPush(image: string, registry: RegistryClient, options: GuardOptions): Promise<Guarded> {
  const before = await tagBeforePush(image, registry, options.signal);
  const question = overwriteQuestion(image, before, options.source);
  if (question === null || (options.agreed !== undefined && sameTagState(options.agreed, before))) return { push: true, before, question: null };
  return { push: await options.confirm(question, before), before, question };
}
