/**
 * Asks what is attached to images (signatures, SBOMs, provenance, attestations) and turns the answers into the
 * `referrers` facts of RegistryFacts, each referrer recognised by the core (attachments/recognize.ts).
 *
 * A subject is a manifest digest in a repository: an image's index and each of its platforms' images (signatures
 * usually sit on the index, BuildKit attestations on each platform), at most MAX_PLATFORMS_ASKED platforms per
 * index. Each unique (repository, digest) is asked once per call with `listReferrers`, which caches the answer for
 * good. When `signatureRepository` names another repository for an image (cosign's COSIGN_REPOSITORY), the same
 * digests are asked there too and what is found there is added to the image's facts.
 * A referrer belongs to the digest it refers to: BuildKit attestations found through an index go to the platform
 * image they describe. A subject whose own lookup failed gets a failed answer with a reason for people; a failed
 * lookup in a signature repository only adds a note. A cancelled lookup records nothing.
 * With `verify`, the signed payloads of cosign signatures are read too (their own cache entry) and each signature
 * found gets the verifier's verdict; the payloads are then dropped, so facts stay small.
 */
import { digestKey, recognizeArtifact } from '../core';
import type { ManifestAnswer, ManifestQuery, ReferrerFact, ReferrersAnswer, RegistryFacts, VerifySignature } from '../core';
import type { ReferrerInfo, ReferrerList, RegistryClient } from '../registry';
import { classify } from './registryFailures';
import { mapLimit } from './mapLimit';

/** Platforms of one index whose own referrers are asked for. */
export const MAX_PLATFORMS_ASKED = 16;

/** A manifest whose referrers are wanted: `key` is `domain/path@digest`, the key its answer is stored under. */
export interface ReferrersQuery {
  readonly key: string;
  readonly registry: string;
  readonly path: string;
  readonly digest: string;
}

export interface ReferrersOptions {
  readonly signal?: AbortSignal;
  /** Lookups in flight at once (default 8). */
  readonly concurrency?: number;
  /** Ask again rather than use cached answers: referrers can be added to a digest at any time. */
  readonly fresh?: boolean;
  /** The repository holding the signatures of `registry/path`, or null when they are kept beside the image. */
  readonly signatureRepository?: (registry: string, path: string) => { readonly registry: string; readonly path: string } | null;
  /** Checks each signature found against what the user trusts for the image. */
  readonly verify?: VerifySignature;
}

/** The subjects of the found answers: each manifest's digest and its first MAX_PLATFORMS_ASKED platforms' digests. */
export function referrersQueries(queries: readonly ManifestQuery[], manifests: ReadonlyMap<string, ManifestAnswer>): ReferrersQuery[] {
  const subjects = new Map<string, ReferrersQuery>();
  for (const query of queries) {
    const answer = manifests.get(query.key);
    if (answer?.status !== 'found') continue;
    const repository = { domain: query.registry, path: query.path };
    for (const digest of [answer.digest, ...answer.platforms.slice(0, MAX_PLATFORMS_ASKED).map((platform) => platform.digest)]) {
      const key = digestKey(repository, digest);
      if (!subjects.has(key)) subjects.set(key, { key, registry: query.registry, path: query.path, digest });
    }
  }
  return [...subjects.values()];
}

export function toReferrerFact(info: ReferrerInfo): ReferrerFact {
  const recognized = recognizeArtifact(info);
  return {
    digest: info.digest,
    mediaType: info.mediaType,
    artifactType: info.artifactType ?? null,
    kind: recognized.kind,
    contents: recognized.contents,
    subject: info.subject,
    annotations: { ...info.annotations },
    ...(recognized.created === undefined ? {} : { created: recognized.created }),
    source: info.source,
    repository: info.repository,
    ...(info.tag === undefined ? {} : { tag: info.tag }),
    ...(info.layers === undefined ? {} : { layers: info.layers.map((layer) => ({ ...layer, annotations: { ...layer.annotations } })) }),
  };
}

/** The fact with the verifier's verdict, without the payloads it read. */
function verified(fact: ReferrerFact, image: string, verify: VerifySignature | undefined): ReferrerFact {
  if (verify === undefined) return fact;
  const verification = verify(fact, image);
  const layers = fact.layers?.map(({ payload: _payload, ...layer }) => layer);
  return { ...fact, ...(layers === undefined ? {} : { layers }), ...(verification === undefined ? {} : { verification }) };
}

interface Lookup {
  readonly registry: string;
  readonly path: string;
  readonly digest: string;
  /** The image repository (`domain/path`) whose facts its referrers join. */
  readonly image: string;
}

type LookupResult = { readonly ok: true; readonly list: ReferrerList } | { readonly ok: false; readonly reason: string };

function reasonOf(lookup: Lookup, error: unknown): string | null {
  const failure = classify(lookup.registry, error);
  if (failure.problem !== null) return failure.problem.reason;
  if (failure.answer?.status === 'not-found') return `${lookup.registry} has no manifest ${lookup.digest} in ${lookup.path}.`;
  return null;
}

/** Asks every unique subject once and returns facts holding only the referrers answers. */
export async function collectReferrers(queries: readonly ReferrersQuery[], client: RegistryClient, options: ReferrersOptions = {}): Promise<RegistryFacts> {
  const lookups = new Map<string, Lookup>();
  // The signature-repository lookups of each `image@digest`.
  const elsewhere = new Map<string, Lookup[]>();
  for (const query of queries) {
    const image = `${query.registry}/${query.path}`;
    const owner = `${image}@${query.digest}`;
    lookups.set(owner, { registry: query.registry, path: query.path, digest: query.digest, image });
    const other = options.signatureRepository?.(query.registry, query.path);
    const key = other ? `${other.registry}/${other.path}@${query.digest}|${image}` : undefined;
    if (other && key !== undefined && `${other.registry}/${other.path}` !== image && !lookups.has(key)) {
      const lookup = { registry: other.registry, path: other.path, digest: query.digest, image };
      lookups.set(key, lookup);
      elsewhere.set(owner, [...(elsewhere.get(owner) ?? []), lookup]);
    }
  }
  const results = new Map<Lookup, LookupResult>();
  await mapLimit(
    [...lookups.values()],
    options.concurrency ?? 8,
    async (lookup) => {
      try {
        const list = await client.listReferrers(
          { registry: lookup.registry, path: lookup.path, reference: lookup.digest },
          { signal: options.signal, fresh: options.fresh, ...(options.verify ? { payloads: true } : {}) },
        );
        results.set(lookup, { ok: true, list });
      } catch (error) {
        const reason = reasonOf(lookup, error);
        if (reason !== null) results.set(lookup, { ok: false, reason });
      }
    },
    options.signal,
  );

  // Every referrer joins the image's facts under the digest it refers to.
  const bySubject = new Map<string, ReferrerFact[]>();
  const seen = new Set<string>();
  for (const [lookup, result] of results) {
    if (!result.ok) continue;
    for (const info of result.list.referrers) {
      const key = `${lookup.image}@${info.subject}`;
      if (seen.has(`${key}|${info.digest}`)) continue;
      seen.add(`${key}|${info.digest}`);
      bySubject.set(key, [...(bySubject.get(key) ?? []), verified(toReferrerFact(info), lookup.image, options.verify)]);
    }
  }
  const referrers = new Map<string, ReferrersAnswer>();
  for (const query of queries) {
    const owner = `${query.registry}/${query.path}@${query.digest}`;
    const own = results.get(lookups.get(owner)!);
    if (own === undefined) continue;
    if (!own.ok) {
      referrers.set(query.key, { status: 'failed', reason: own.reason });
      continue;
    }
    const notes = [...own.list.notes];
    let stale = own.list.stale;
    for (const lookup of elsewhere.get(owner) ?? []) {
      const result = results.get(lookup);
      if (result === undefined) continue;
      if (result.ok) {
        notes.push(...result.list.notes);
        stale ||= result.list.stale;
      } else notes.push(`The signature repository ${lookup.registry}/${lookup.path} could not be read: ${result.reason}`);
    }
    referrers.set(query.key, { status: 'found', referrers: bySubject.get(owner) ?? [], discovery: own.list.discovery, notes, stale });
  }
  return { manifests: new Map(), tags: new Map(), problems: new Map(), anonymous: new Map(), referrers };
}
