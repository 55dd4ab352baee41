/**
 * What refers to a manifest, found the three ways registries keep it:
 * - OCI 1.1 referrers (opencontainers/distribution-spec spec.md, "Listing Referrers"): `GET /v2/<name>/referrers/<digest>`
 *   answers an image index of descriptors (`artifactType`, `annotations`), paged by `Link` like tag lists (paging.ts),
 *   filtered by `?artifactType=` when the registry says so in `OCI-Filters-Applied` (else filtered here). A registry
 *   without the API answers 404; then the referrers tag schema applies: the tag `<alg>-<ref>` (the algorithm cut to
 *   32 characters, the hex to 64) holds an index that pushing clients keep up to date. That tag is checked to hold a
 *   referrers index: some registries resolve a digest-like tag to the subject itself, and an index of images is no
 *   list of referrers; such an answer counts as none, with a note saying why.
 * - cosign's tags (sigstore/cosign specs/SIGNATURE_SPEC.md): `<alg>-<hex>.sig` (simple-signing layers), `.att`
 *   (DSSE envelopes) and `.sbom`, each a manifest read whole for its layers' media types and annotations.
 * - BuildKit's attestation manifests (moby/buildkit docs/attestations/attestation-storage.md): entries of the
 *   subject's own index, `vnd.docker.reference.type: attestation-manifest`, describing the image named by
 *   `vnd.docker.reference.digest`; each is read for its layers' `in-toto.io/predicate-type`.
 * Everything is bounded: pages, bytes and entries of a listing (REFERRERS_LIMITS), manifests read per subject
 * (MAX_MANIFESTS_READ), layers and annotations kept per manifest. Every digest is checked (validate.ts).
 */
import { isRecord, record } from '../core/json';
import { isRegistryError, RegistryError, tooLarge } from './errors';
import { header, type HttpResponse } from './http';
import { fetchManifestBytes, headManifest, OCI_INDEX, type ManifestBytes } from './manifest';
import { readPages, type PageLimits } from './paging';
import type { Transport } from './transport';
import type { AttestationInfo, ReferrerInfo, ReferrerLayer, RepositoryName } from './types';
import { isValidDigest, isValidTag, requireDigest } from './validate';

export interface ReferrersLimits extends PageLimits {
  /** Descriptors over all pages of one listing (or in one fallback index). */
  readonly maxReferrers: number;
}

export const REFERRERS_LIMITS: ReferrersLimits = { maxPages: 20, maxReferrers: 1000, maxBytes: 4 * 1024 * 1024, maxMs: 60_000 };

/** Referrer manifests read per subject: cosign's three tags and the BuildKit attestations of an index. */
export const MAX_MANIFESTS_READ = 32;
/** Layers kept per manifest read: signatures and attestations have one or a few. */
const MAX_LAYERS = 16;
/** Annotations kept per descriptor or layer; a key or value past its length is left out (a certificate chain fits). */
const MAX_ANNOTATIONS = 64;
const MAX_ANNOTATION_KEY = 256;
const MAX_ANNOTATION_VALUE = 16 * 1024;
/** RFC 6838 `type/subtype`, with parameters: what an artifactType may be. */
const MEDIA_TYPE = /^[A-Za-z0-9][\w!#$&^.+-]{0,126}\/[A-Za-z0-9][\w!#$&^.+-]{0,126}(?:\s*;[ -~]{0,200})?$/;

/** A referrer as a listing describes it, before it is tied to a subject and a source. */
type Descriptor = Pick<ReferrerInfo, 'digest' | 'mediaType' | 'artifactType' | 'size' | 'annotations'>;

export interface OciReferrers {
  readonly discovery: 'referrers-api' | 'referrers-tag';
  readonly referrers: readonly Descriptor[];
  readonly notes: readonly string[];
}

function invalid(registry: string, message: string): RegistryError {
  return new RegistryError({ code: 'INVALID_RESPONSE', registry, message: `${registry} sent ${message}`, temporary: false });
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asSize(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** The string annotations of `value`, bounded in count and length. */
export function readAnnotations(value: unknown): Record<string, string> {
  const annotations: Record<string, string> = {};
  let count = 0;
  for (const [key, text] of Object.entries(record(value))) {
    if (count === MAX_ANNOTATIONS) break;
    if (typeof text !== 'string' || key.length > MAX_ANNOTATION_KEY || text.length > MAX_ANNOTATION_VALUE) continue;
    annotations[key] = text;
    count++;
  }
  return annotations;
}

function readArtifactType(value: unknown): string | undefined {
  return typeof value === 'string' && MEDIA_TYPE.test(value) ? value : undefined;
}

function readDescriptor(value: unknown, registry: string, where: string): Descriptor {
  const entry = record(value);
  const artifactType = readArtifactType(entry.artifactType);
  return {
    digest: requireDigest(entry.digest, registry, where),
    mediaType: asString(entry.mediaType) ?? '',
    ...(artifactType === undefined ? {} : { artifactType }),
    size: asSize(entry.size),
    annotations: readAnnotations(entry.annotations),
  };
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The descriptors of a referrers index (an API page or the fallback tag's index): an OCI image index, by its
 * Content-Type (when it names one) and its own `mediaType` (when present), with a `manifests` list.
 */
export function parseReferrersIndex(bytes: Uint8Array, contentType: string | undefined, registry: string, what: string): Descriptor[] {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (type !== undefined && type !== '' && type !== OCI_INDEX && type !== 'application/json')
    throw invalid(registry, `${type} for ${what}, not an OCI image index`);
  const body = parseJson(bytes);
  if (!isRecord(body)) throw invalid(registry, `an answer that is not a JSON object for ${what}`);
  if (body.mediaType !== undefined && body.mediaType !== OCI_INDEX) throw invalid(registry, `a ${String(body.mediaType)} for ${what}, not an OCI image index`);
  if (!Array.isArray(body.manifests)) throw invalid(registry, `an index without a manifests list for ${what}`);
  return body.manifests.map((entry, position) => readDescriptor(entry, registry, `entry ${position + 1} of ${what}`));
}

/** The referrers tag schema's tag for a digest: `<alg>-<ref>`, the algorithm cut to 32 characters and the hex to 64. */
export function referrersTag(digest: string): string {
  const colon = digest.indexOf(':');
  return `${digest.slice(0, colon).slice(0, 32)}-${digest.slice(colon + 1).slice(0, 64)}`;
}

/** cosign's tag for what it attaches to a digest (`sha256-<hex>.sig`); undefined when it would be too long a tag (sha512). */
export function cosignTag(digest: string, suffix: CosignSuffix): string | undefined {
  const tag = `${digest.replace(':', '-')}.${suffix}`;
  return isValidTag(tag) ? tag : undefined;
}

export type CosignSuffix = 'sig' | 'att' | 'sbom';
export const COSIGN_SUFFIXES: readonly CosignSuffix[] = ['sig', 'att', 'sbom'];

function is404(error: unknown): boolean {
  return isRegistryError(error) && error.status === 404;
}

/**
 * The manifest a tag that usually does not exist names (the referrers tag, cosign's tags), or undefined on 404.
 * A HEAD asks first, then a GET by the digest it announced: registries that count pulls (Docker Hub) count
 * GETs of manifests only, so a missing tag costs no pull.
 */
async function fetchTagIfAny(
  transport: Transport,
  repository: RepositoryName,
  tag: string,
  signal: AbortSignal | undefined,
): Promise<ManifestBytes | undefined> {
  let head;
  try {
    head = await headManifest(transport, repository, tag, signal);
  } catch (error) {
    if (is404(error)) return undefined;
    throw error;
  }
  try {
    return await fetchManifestBytes(transport, repository, head.digest ?? tag, signal);
  } catch (error) {
    if (is404(error)) return undefined;
    throw error;
  }
}

function filtersApplied(response: HttpResponse): boolean {
  return (header(response, 'oci-filters-applied') ?? '').split(',').some((filter) => filter.trim() === 'artifactType');
}

/** The referrers API, page by page; undefined when the registry answers 404 (it has no such API). */
async function fromApi(
  transport: Transport,
  repository: RepositoryName,
  subject: string,
  artifactType: string | undefined,
  limits: ReferrersLimits,
  now: () => number,
  signal: AbortSignal | undefined,
): Promise<Descriptor[] | undefined> {
  const what = `the referrers of ${repository.registry}/${repository.path}@${subject}`;
  const query = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
  const found: Descriptor[] = [];
  const seen = new Set<string>();
  let received = 0;
  let pages = 0;
  const request = { registry: repository.registry, repository: repository.path, method: 'GET', accept: OCI_INDEX, signal, what } as const;
  try {
    await readPages(transport, { ...request, notFound: 'MANIFEST_UNKNOWN' }, `/v2/${repository.path}/referrers/${subject}${query}`, limits, now, (response) => {
      pages++;
      const page = parseReferrersIndex(response.body, header(response, 'content-type'), repository.registry, what);
      received += page.length;
      if (received > limits.maxReferrers) throw tooLarge(repository.registry, `${limits.maxReferrers} referrers`, what);
      const filtered = artifactType === undefined || filtersApplied(response) ? page : page.filter((entry) => entry.artifactType === artifactType);
      for (const entry of filtered) {
        if (seen.has(entry.digest)) continue;
        seen.add(entry.digest);
        found.push(entry);
      }
    });
  } catch (error) {
    // Only a 404 for the first page means "no API"; one for a later page is a broken listing.
    if (is404(error) && pages === 0) return undefined;
    throw error;
  }
  return found;
}

/** The referrers tag schema's index; none, with a note, when the tag holds anything else. */
async function fromTag(
  transport: Transport,
  repository: RepositoryName,
  subject: string,
  artifactType: string | undefined,
  limits: ReferrersLimits,
  signal: AbortSignal | undefined,
): Promise<{ referrers: Descriptor[]; notes: string[] }> {
  const tag = referrersTag(subject);
  const what = `the referrers tag ${repository.registry}/${repository.path}:${tag}`;
  const fetched = await fetchTagIfAny(transport, repository, tag, signal);
  if (fetched === undefined) return { referrers: [], notes: [] };
  if (fetched.digest === subject) return { referrers: [], notes: [`${what} names the image itself, not an index of its referrers, so it is not used.`] };
  let entries: Descriptor[];
  try {
    entries = parseReferrersIndex(fetched.bytes, fetched.contentType, repository.registry, what);
  } catch (error) {
    if (!isRegistryError(error) || error.code !== 'INVALID_RESPONSE') throw error;
    return { referrers: [], notes: [`${what} holds no referrers index (${error.message}), so it is not used.`] };
  }
  if (entries.length > limits.maxReferrers) throw tooLarge(repository.registry, `${limits.maxReferrers} referrers`, what);
  // A referrers index lists artifacts, each with its artifactType; an entry without one is an image of an ordinary index.
  const referrers = entries.filter((entry) => entry.artifactType !== undefined && entry.digest !== subject);
  const notes =
    referrers.length < entries.length ? [`${what} lists ${entries.length - referrers.length} entries that are no referrers (no artifactType), left out.`] : [];
  return { referrers: artifactType === undefined ? referrers : referrers.filter((entry) => entry.artifactType === artifactType), notes };
}

/** OCI 1.1 referrers of `subject`: the API, else (404) the referrers tag schema. */
export async function listOciReferrers(
  transport: Transport,
  repository: RepositoryName,
  subject: string,
  options: { readonly artifactType?: string; readonly limits: ReferrersLimits; readonly now: () => number; readonly signal?: AbortSignal },
): Promise<OciReferrers> {
  const api = await fromApi(transport, repository, subject, options.artifactType, options.limits, options.now, options.signal);
  if (api !== undefined) return { discovery: 'referrers-api', referrers: api, notes: [] };
  return { discovery: 'referrers-tag', ...(await fromTag(transport, repository, subject, options.artifactType, options.limits, options.signal)) };
}

/** A referrer manifest read whole: what its descriptor says, plus its config media type and layers. */
export interface ReadManifest extends Descriptor {
  readonly configMediaType?: string;
  readonly layers: readonly ReferrerLayer[];
}

function readLayers(value: unknown): ReferrerLayer[] {
  const layers: ReferrerLayer[] = [];
  for (const entry of Array.isArray(value) ? value.slice(0, MAX_LAYERS) : []) {
    const layer = record(entry);
    if (!isValidDigest(layer.digest)) continue;
    layers.push({
      mediaType: asString(layer.mediaType) ?? '',
      digest: layer.digest,
      size: asSize(layer.size),
      annotations: readAnnotations(layer.annotations),
    });
  }
  return layers;
}

/** Reads a referrer manifest (by digest, or by tag: HEAD first); undefined on 404. A body that is no manifest is INVALID_RESPONSE. */
export async function readReferrerManifest(
  transport: Transport,
  repository: RepositoryName,
  reference: string,
  signal: AbortSignal | undefined,
): Promise<ReadManifest | undefined> {
  let fetched: ManifestBytes | undefined;
  try {
    fetched = isValidDigest(reference)
      ? await fetchManifestBytes(transport, repository, reference, signal)
      : await fetchTagIfAny(transport, repository, reference, signal);
  } catch (error) {
    if (is404(error)) return undefined;
    throw error;
  }
  if (fetched === undefined) return undefined;
  const body = parseJson(fetched.bytes);
  const what = `the manifest ${repository.registry}/${repository.path}:${reference}`;
  if (!isRecord(body) || !isRecord(body.config)) throw invalid(repository.registry, `${what}, which is not an image manifest`);
  const artifactType = readArtifactType(body.artifactType);
  const configMediaType = asString(body.config.mediaType);
  return {
    digest: fetched.digest,
    mediaType: asString(body.mediaType) ?? fetched.contentType?.split(';')[0].trim() ?? '',
    ...(artifactType === undefined ? {} : { artifactType }),
    size: fetched.bytes.length,
    annotations: readAnnotations(body.annotations),
    ...(configMediaType === undefined ? {} : { configMediaType }),
    layers: readLayers(body.layers),
  };
}

/** A note for a referrer manifest that could not be used, or the error itself when it is not about the answer. */
function unusable(error: unknown, what: string): string {
  if (isRegistryError(error) && ['INVALID_RESPONSE', 'UNSUPPORTED', 'DIGEST_MISMATCH', 'TOO_LARGE'].includes(error.code))
    return `${what} could not be read (${error.message}), so it is left out.`;
  throw error;
}

/** cosign's `.sig`, `.att` and `.sbom` tags for `subject`, each read whole. */
export async function cosignTagReferrers(
  transport: Transport,
  repository: RepositoryName,
  subject: string,
  signal: AbortSignal | undefined,
): Promise<{ referrers: ReferrerInfo[]; notes: string[] }> {
  const notes: string[] = [];
  const found = await Promise.all(
    COSIGN_SUFFIXES.map(async (suffix) => {
      const tag = cosignTag(subject, suffix);
      if (tag === undefined) return undefined;
      try {
        const manifest = await readReferrerManifest(transport, repository, tag, signal);
        return manifest === undefined ? undefined : toReferrer(manifest, subject, 'cosign-tag', repository, tag);
      } catch (error) {
        notes.push(unusable(error, `The cosign tag ${repository.registry}/${repository.path}:${tag}`));
        return undefined;
      }
    }),
  );
  return { referrers: found.filter((entry) => entry !== undefined), notes };
}

/** The BuildKit attestation manifests of an index, each read for its layers; at most MAX_MANIFESTS_READ. */
export async function attestationReferrers(
  transport: Transport,
  repository: RepositoryName,
  attestations: readonly AttestationInfo[],
  signal: AbortSignal | undefined,
): Promise<{ referrers: ReferrerInfo[]; notes: string[] }> {
  const notes: string[] = [];
  const read = attestations.slice(0, MAX_MANIFESTS_READ);
  if (attestations.length > read.length) notes.push(`Only the first ${read.length} of ${attestations.length} attestation manifests were read.`);
  const found = await Promise.all(
    read.map(async (attestation) => {
      try {
        const manifest = await readReferrerManifest(transport, repository, attestation.digest, signal);
        return manifest === undefined ? undefined : toReferrer(manifest, attestation.subject, 'attestation-manifest', repository);
      } catch (error) {
        notes.push(unusable(error, `The attestation manifest ${repository.registry}/${repository.path}@${attestation.digest}`));
        return undefined;
      }
    }),
  );
  return { referrers: found.filter((entry) => entry !== undefined), notes };
}

export function toReferrer(
  descriptor: Descriptor | ReadManifest,
  subject: string,
  source: ReferrerInfo['source'],
  repository: RepositoryName,
  tag?: string,
): ReferrerInfo {
  const read = 'layers' in descriptor ? descriptor : undefined;
  return {
    digest: descriptor.digest,
    mediaType: descriptor.mediaType,
    ...(descriptor.artifactType === undefined ? {} : { artifactType: descriptor.artifactType }),
    size: descriptor.size,
    annotations: descriptor.annotations,
    subject,
    source,
    repository: `${repository.registry}/${repository.path}`,
    ...(tag === undefined ? {} : { tag }),
    ...(read?.configMediaType === undefined ? {} : { configMediaType: read.configMediaType }),
    ...(read === undefined ? {} : { layers: read.layers }),
  };
}
