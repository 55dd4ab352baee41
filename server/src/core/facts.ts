/**
 * RegistryFacts: what registries answered about the images of a file, as plain data.
 *
 * The core never asks a registry. A front end (through engine/) asks the questions `factQueries`
 * lists, puts the answers in a RegistryFacts and hands it to the features, which read it the way
 * they read an Analysis: no promises, no clock, no IO. Missing facts mean "not known", never "not
 * there": a feature given no answer for an image behaves exactly as it does offline.
 *
 * Keys are canonical, the way the distribution API names things: a repository is `domain/path`
 * ("docker.io/library/nginx"), a manifest is `domain/path:tag` or `domain/path@digest`, and a
 * registry is its normalized host[:port] ("docker.io", "127.0.0.1:5000").
 * Problems are kept per registry, with a reason for people that names the credentials that were
 * tried (a description such as "docker config auths for ghcr.io", never a secret).
 * Whether a repository lets a client without credentials pull (what a node without imagePullSecrets
 * is) is kept per repository, asked only for images whose pod spec has no imagePullSecrets.
 *
 * Facts are registry answers, so the core does not trust them: features read them only through the
 * accessors here, which take a found manifest whose digest or any platform digest is not a valid
 * OCI digest (reference/digest.ts isOciDigest) as a failed question, and leave invalid tags out of
 * tag lists. A digest or tag that reaches an edit, a completion or a hover has passed that check.
 */
import type { AttachmentContent, AttachmentKind } from './attachments/recognize';
import { isTemplated } from './diagnostics/templates';
import { isOciDigest } from './reference/digest';
import { quote } from './reference/quote';
import { isValidTag, parseReference } from './reference/reference';
import type { ImageReference } from './reference/reference';
import type { PlatformTargets } from './platforms';
import type { ScanFact } from './scanFacts';

export interface PlatformFact {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  /** The digest of this platform's image manifest. */
  readonly digest: string;
  /** The size of that manifest in bytes. */
  readonly size: number;
  /** Sum of the compressed layer sizes, when known. */
  readonly totalSize?: number;
  readonly created?: string;
}

/** The registry has this manifest. */
export interface ManifestFound {
  readonly status: 'found';
  readonly digest: string;
  readonly mediaType: string;
  /** The size of the manifest itself in bytes. */
  readonly size: number;
  /** Sum of the compressed layer sizes of a single-platform image, when known. */
  readonly totalSize?: number;
  /** True for an OCI image index or a Docker manifest list. */
  readonly isIndex: boolean;
  /** The platforms of an index (attestations left out); empty for a single-platform image. */
  readonly platforms: readonly PlatformFact[];
  readonly created?: string;
  /** The platform of a single-platform image (its config's os, architecture and variant), when known. */
  readonly platform?: { readonly os: string; readonly architecture: string; readonly variant?: string };
  readonly labels: Readonly<Record<string, string>>;
  /** The platform of a single-platform image, from its config, when known. */
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  /** Served from an expired cache entry because the registry could not be reached. */
  readonly stale: boolean;
}

/** The registry answered that it has no such tag, digest or repository. */
export interface ManifestMissing {
  readonly status: 'not-found';
  /** What the registry said is unknown: the repository itself, or only this tag or digest. */
  readonly unknown: 'repository' | 'manifest';
}

/** Asking failed; the registry's problem (RegistryFacts.problems) says why. */
export interface ManifestFailed {
  readonly status: 'failed';
  readonly problem: RegistryProblemKind;
  /** Why this one answer is not used, when the registry's problem does not say: it named an invalid digest. */
  readonly reason?: string;
}

export type ManifestAnswer = ManifestFound | ManifestMissing | ManifestFailed;

/** How asking a registry failed: the network, time or TLS (unreachable, timeout, tls), credentials, a rate limit, or an answer that cannot be used. */
export type RegistryProblemKind = 'unreachable' | 'unauthorized' | 'timeout' | 'tls' | 'too-many-requests' | 'invalid-answer';

export interface RegistryProblem {
  readonly kind: RegistryProblemKind;
  /** One sentence for people, including which credentials were tried; never a secret. */
  readonly reason: string;
}

export interface TagListFact {
  readonly tags: readonly string[];
  /** Served from an expired cache entry because the registry could not be reached. */
  readonly stale: boolean;
}

/** What an anonymous pull from a repository got: the answer of a node that has no credentials for it. */
export interface AnonymousPullFact {
  /** False when the registry refused it (401 or 403): pulling needs credentials. */
  readonly allowed: boolean;
  /** Served from an expired cache entry because the registry could not be reached. */
  readonly stale: boolean;
}

/** Where a referrer was found (registry/types.ts ReferrerSource says how each is read). */
export type ReferrerSource = 'referrers-api' | 'referrers-tag' | 'cosign-tag' | 'attestation-manifest';

/** A manifest attached to an image (a signature, an SBOM, a provenance…), recognised by attachments/recognize.ts. */
export interface ReferrerFact {
  readonly digest: string;
  readonly mediaType: string;
  readonly artifactType: string | null;
  readonly kind: AttachmentKind;
  /** What it holds: one entry, or several for a manifest of many attestations (BuildKit's SBOM and provenance). */
  readonly contents: readonly AttachmentContent[];
  /** The digest of the manifest it refers to. */
  readonly subject: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** When it was made (RFC 3339), when it says. */
  readonly created?: string;
  readonly source: ReferrerSource;
  /** The repository it was found in (`domain/path`): the image's own, or its signature repository. */
  readonly repository: string;
  /** A cosign tag (`sha256-….sig`) it was found under. */
  readonly tag?: string;
  /** Its manifest's layers, when the manifest was read (cosign tags, BuildKit attestations): what a verifier reads. */
  readonly layers?: readonly ReferrerLayerFact[];
  /** For a signature, whether it was checked against what the user trusts (signatures/ verifies it). */
  readonly verification?: SignatureVerification;
}

/**
 * A signature checked against the keys and signers the user trusts for the repository: `verified` by the key named
 * `key`, or keylessly by the certificate `subject` the OIDC `issuer` vouched for; `invalid` when it fails (no trusted
 * key or signer verifies it, or it signs another digest); `unverified` when nothing could be checked (nothing is
 * trusted for that kind of signature, a payload or trusted root that could not be read).
 */
export type SignatureVerification =
  | { readonly status: 'verified'; readonly key: string }
  | { readonly status: 'verified'; readonly subject: string; readonly issuer: string }
  | { readonly status: 'invalid'; readonly reason: string }
  | { readonly status: 'unverified'; readonly reason: string };

/** Checks a signature found for an image (`domain/path`); undefined when nothing says what to trust for it. */
export type VerifySignature = (referrer: ReferrerFact, image: string) => SignatureVerification | undefined;

export interface ReferrerLayerFact {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations: Readonly<Record<string, string>>;
  /** A cosign simple-signing layer's or a Sigstore bundle layer's blob (base64), when read for verification. */
  readonly payload?: string;
}

/** What refers to one manifest, as found in its repository (and its signature repository). */
export interface ReferrersFound {
  readonly status: 'found';
  readonly referrers: readonly ReferrerFact[];
  /** How OCI referrers were listed: the referrers API, or the referrers tag schema where the API answered 404. */
  readonly discovery: 'referrers-api' | 'referrers-tag';
  /** What was left out and why, one sentence each. */
  readonly notes: readonly string[];
  /** Served from an older answer because the registry could not be reached. */
  readonly stale: boolean;
}

/** The referrers could not be listed; the reason is one sentence for people. */
export interface ReferrersFailed {
  readonly status: 'failed';
  readonly reason: string;
}

export type ReferrersAnswer = ReferrersFound | ReferrersFailed;

export interface RegistryFacts {
  /** Tags per repository, keyed `domain/path`. */
  readonly tags: ReadonlyMap<string, TagListFact>;
  /** Answers per manifest, keyed `domain/path:tag` or `domain/path@digest`. */
  readonly manifests: ReadonlyMap<string, ManifestAnswer>;
  /** Problems per registry host, keyed by the normalized host[:port]. */
  readonly problems: ReadonlyMap<string, RegistryProblem>;
  /** Whether anonymous pulls work, per repository, keyed `domain/path`. */
  readonly anonymous: ReadonlyMap<string, AnonymousPullFact>;
  /** What is attached to each manifest, keyed `domain/path@digest` by the digest referred to. */
  readonly referrers: ReadonlyMap<string, ReferrersAnswer>;
  /** What a vulnerability scanner found, per image digest (scanFacts.ts); absent when nothing was scanned. */
  readonly scans?: ReadonlyMap<string, ScanFact>;
  /** The pull rate limit each registry announced last, keyed by registry host (rateLimits of registry/). */
  readonly rateLimits?: ReadonlyMap<string, RateLimitFact>;
  /** The platforms workloads run on (the setting, or the picked cluster's nodes); absent when none are known (platforms.ts). */
  readonly targets?: PlatformTargets;
}

/** A registry's pull rate limit as it announced it (RateLimit-Limit, RateLimit-Remaining). */
export interface RateLimitFact {
  readonly limit: number;
  readonly remaining: number;
  /** The window the limit counts over, in seconds, when said. */
  readonly windowSeconds?: number;
  /** When it was said, ms since the epoch. */
  readonly at: number;
}

/** Remaining pulls at or below a tenth of the limit, or two, are low: requests that can wait (tag lists, probes, referrers) wait. */
export function isRateLimitLow(fact: RateLimitFact | undefined): boolean {
  return fact !== undefined && fact.remaining <= Math.max(2, Math.floor(fact.limit / 10));
}

/** A window in short units: `6 h`, `90 min`, `30 s`. */
function windowText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
}

/** A rate limit in words, as the hover and the status bar say it: `87 of 100 pulls left per 6 h`. */
export function pullsLeftText(fact: RateLimitFact): string {
  const window = fact.windowSeconds === undefined ? '' : ` per ${windowText(fact.windowSeconds)}`;
  return `${fact.remaining} of ${fact.limit} pull${fact.limit === 1 ? '' : 's'} left${window}`;
}

export const NO_FACTS: RegistryFacts = { tags: new Map(), manifests: new Map(), problems: new Map(), anonymous: new Map(), referrers: new Map() };

/** One question for a registry: a manifest by tag or digest. */
export interface ManifestQuery {
  /** `domain/path:tag` or `domain/path@digest`, the key its answer is stored under. */
  readonly key: string;
  readonly registry: string;
  readonly path: string;
  /** A tag or a digest. */
  readonly reference: string;
}

/**
 * Whether a node without credentials could pull an image: asked only where a pod spec has no
 * imagePullSecrets, and only once the image is known to exist (its manifest answer is found).
 */
export interface AnonymousPullQuery {
  /** `domain/path`, the key its answer is stored under. */
  readonly key: string;
  readonly registry: string;
  readonly path: string;
  /** The reference the kubelet would pull: the digest when there is one, else the tag. */
  readonly reference: string;
  /** The manifest query for that reference: the probe is made only when its answer is `found`. */
  readonly manifestKey: string;
}

export function repositoryKey(ref: Pick<ImageReference, 'domain' | 'path'>): string {
  return `${ref.domain}/${ref.path}`;
}

export function tagKey(ref: Pick<ImageReference, 'domain' | 'path'>, tag: string): string {
  return `${repositoryKey(ref)}:${tag}`;
}

export function digestKey(ref: Pick<ImageReference, 'domain' | 'path'>, digest: string): string {
  return `${repositoryKey(ref)}@${digest}`;
}

/** The tag a reference is pulled by when it has no digest: the written one, else `latest`. */
export function effectiveTag(ref: ImageReference): string {
  return ref.tag ?? 'latest';
}

/** The first digest of a found answer (its own, then its platforms') that is not a valid OCI digest; null when all are. */
function invalidDigestOf(found: ManifestFound): { readonly value: unknown } | null {
  if (!isOciDigest(found.digest)) return { value: found.digest };
  if (!Array.isArray(found.platforms)) return { value: found.platforms };
  const platform = found.platforms.find((p) => !isOciDigest(p?.digest));
  return platform === undefined ? null : { value: platform?.digest };
}

/**
 * The answer stored under `key` (`domain/path:tag` or `domain/path@digest`), if the core may use it:
 * a found manifest naming an invalid digest becomes a failed question whose reason says so.
 */
export function manifestAnswer(facts: RegistryFacts, key: string): ManifestAnswer | undefined {
  const answer = facts.manifests.get(key);
  if (answer?.status !== 'found') return answer;
  const invalid = invalidDigestOf(answer);
  if (invalid === null) return answer;
  const what = typeof invalid.value === 'string' ? `the digest ${quote(invalid.value)}` : 'a digest that is not text';
  const reason = `the registry answered ${what}, which is not sha256 with 64 or sha512 with 128 lowercase hex characters, so it is not used`;
  return { status: 'failed', problem: 'unreachable', reason };
}

/** What the registry says the reference's tag points at now (`latest` when none is written). */
export function tagAnswer(facts: RegistryFacts, ref: ImageReference): ManifestAnswer | undefined {
  if (ref.tag === null && ref.digest !== null) return undefined;
  return manifestAnswer(facts, tagKey(ref, effectiveTag(ref)));
}

/** What the registry says about the reference's digest, if it has one. */
export function digestAnswer(facts: RegistryFacts, ref: ImageReference): ManifestAnswer | undefined {
  return ref.digest === null ? undefined : manifestAnswer(facts, digestKey(ref, ref.digest));
}

/**
 * The answer that decides whether a pull works: the digest when there is one (the runtime pulls by
 * digest and ignores the tag), else the tag.
 */
export function pullAnswer(facts: RegistryFacts, ref: ImageReference): ManifestAnswer | undefined {
  return ref.digest !== null ? digestAnswer(facts, ref) : tagAnswer(facts, ref);
}

/** The repository's tag list with the entries that are not valid tags left out. */
export function tagsOf(facts: RegistryFacts, ref: Pick<ImageReference, 'domain' | 'path'>): TagListFact | undefined {
  const list = facts.tags.get(repositoryKey(ref));
  if (list === undefined || (Array.isArray(list.tags) && list.tags.every(isTag))) return list;
  return { tags: Array.isArray(list.tags) ? list.tags.filter(isTag) : [], stale: list.stale };
}

function isTag(tag: unknown): tag is string {
  return typeof tag === 'string' && isValidTag(tag);
}

export function problemOf(facts: RegistryFacts, ref: Pick<ImageReference, 'domain'>): RegistryProblem | undefined {
  return facts.problems.get(ref.domain);
}

export function anonymousPullOf(facts: RegistryFacts, ref: Pick<ImageReference, 'domain' | 'path'>): AnonymousPullFact | undefined {
  return facts.anonymous.get(repositoryKey(ref));
}

/** The anonymous-pull question for the reference the kubelet pulls (its digest, else its tag). */
export function anonymousPullQuery(ref: ImageReference): AnonymousPullQuery {
  const reference = ref.digest ?? effectiveTag(ref);
  const manifestKey = ref.digest !== null ? digestKey(ref, ref.digest) : tagKey(ref, reference);
  return { key: repositoryKey(ref), registry: ref.domain, path: ref.path, reference, manifestKey };
}

/** The manifest queries one reference needs: its tag (or `latest`) unless digest-only, and its digest. */
export function referenceQueries(ref: ImageReference): ManifestQuery[] {
  const queries: ManifestQuery[] = [];
  if (!(ref.tag === null && ref.digest !== null)) {
    const tag = effectiveTag(ref);
    queries.push({ key: tagKey(ref, tag), registry: ref.domain, path: ref.path, reference: tag });
  }
  if (ref.digest !== null) queries.push({ key: digestKey(ref, ref.digest), registry: ref.domain, path: ref.path, reference: ref.digest });
  return queries;
}

/** A parsed reference for an image value, or null for an empty, templated or invalid one. */
export function referenceOf(value: string | undefined | null): ImageReference | null {
  if (!value || isTemplated(value)) return null;
  const parsed = parseReference(value);
  return parsed.ok ? parsed.value : null;
}

/**
 * What refers to the manifest `digest` of the reference's repository, if the core may use it: referrers whose
 * digest or subject is not a valid OCI digest are left out.
 */
export function referrersOf(facts: RegistryFacts, ref: Pick<ImageReference, 'domain' | 'path'>, digest: string): ReferrersAnswer | undefined {
  const answer = facts.referrers.get(digestKey(ref, digest));
  if (answer?.status !== 'found' || !Array.isArray(answer.referrers)) return answer;
  const valid = answer.referrers.filter((referrer) => isOciDigest(referrer?.digest) && isOciDigest(referrer?.subject));
  return valid.length === answer.referrers.length ? answer : { ...answer, referrers: valid };
}

/** Whether a signature (of any format, not verified) refers to the digest. */
export function isSigned(answer: ReferrersAnswer | undefined): boolean {
  return answer?.status === 'found' && answer.referrers.some((referrer) => referrer.contents.some((content) => content.kind === 'signature'));
}

/** The facts with the targets a setting names, which win over the cluster's nodes; the facts as they are without. */
export function withTargets(facts: RegistryFacts, targets: PlatformTargets | null): RegistryFacts {
  return targets === null ? facts : { ...facts, targets };
}

/** Merges fact sets; later ones win key by key. */
export function mergeRegistryFacts(...sets: readonly RegistryFacts[]): RegistryFacts {
  const tags = new Map<string, TagListFact>();
  const manifests = new Map<string, ManifestAnswer>();
  const problems = new Map<string, RegistryProblem>();
  const anonymous = new Map<string, AnonymousPullFact>();
  const referrers = new Map<string, ReferrersAnswer>();
  const scans = new Map<string, ScanFact>();
  let targets: PlatformTargets | undefined;
  const rateLimits = new Map<string, RateLimitFact>();
  for (const set of sets) {
    for (const [key, value] of set.rateLimits ?? []) rateLimits.set(key, value);
    targets = set.targets ?? targets;
    for (const [key, value] of set.tags) tags.set(key, value);
    for (const [key, value] of set.manifests) manifests.set(key, value);
    for (const [key, value] of set.problems) problems.set(key, value);
    for (const [key, value] of set.anonymous) anonymous.set(key, value);
    for (const [key, value] of set.referrers) referrers.set(key, value);
    for (const [key, value] of set.scans ?? []) scans.set(key, value);
  }
  return {
    tags,
    manifests,
    problems,
    anonymous,
    referrers,
    ...(scans.size > 0 ? { scans } : {}),
    ...(targets ? { targets } : {}),
    ...(rateLimits.size > 0 ? { rateLimits } : {}),
  };
}

/** `os/architecture[/variant]`, as OCI platforms are written. */
export function platformName(platform: { readonly os: string; readonly architecture: string; readonly variant?: string }): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** The platforms a found manifest runs on: an index's, or a single image's own; empty when not known. */
export function platformsOf(found: ManifestFound): string[] {
  if (found.isIndex) return found.platforms.map(platformName);
  return found.platform ? [platformName(found.platform)] : [];
}

/** When a found image was created: its own date, else the newest of its platforms'; undefined when none is known. */
export function createdOf(found: ManifestFound): string | undefined {
  if (found.created !== undefined) return found.created;
  const dates = found.platforms.map((p) => p.created).filter((d): d is string => typeof d === 'string');
  return dates.length > 0 ? dates.reduce((a, b) => (a > b ? a : b)) : undefined;
}
