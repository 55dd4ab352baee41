/**
 * `createRegistryClient` composes the keychain, the transport and the cache behind the `RegistryClient` interface.
 * Tag lists, tag → digest answers and anonymous-access answers are cached for `tagTtlMs`; manifests by digest
 * forever. A tag can move at any time, so a caller that must see it move (check, pin, push) asks with `fresh`.
 * Concurrent identical calls share one request. When the registry is unreachable, times out or answers with a
 * temporary error, an expired (or, with `fresh`, a current) cache entry is served with `stale: true`; without one,
 * or for any other error (an answer too large or invalid), the error is thrown.
 * Every digest and tag this client returns was checked (validate.ts), whether it came from the registry or a file.
 * A manifest wanted with its body costs one request by tag: a GET whose bytes give the digest too (HEAD then GET
 * would be two), except when the body of the digest the tag named last is cached, where a HEAD (which Docker Hub
 * does not count as a pull) says whether the tag still names it.
 */
import { RegistryCache } from './cache';
import { isBoolean, isManifestEntryOf, isReferrerListOf, isTagDigest, isTagList } from './cacheValues';
import type { ManifestEntry, StoredManifest, StoredReferrerList, TagDigest } from './cacheValues';
import { cachedKeychain, createDefaultKeychain } from './credentials/keychain';
import type { Keychain } from './credentials/credential';
import { cancelled, RegistryError } from './errors';
import { DOCKER_HUB, normalizeRegistry } from './hosts';
import { fetchImageConfig, fetchManifest, headManifest, isDigest, isImageConfig, type ParsedManifest } from './manifest';
import { readSignaturePayloads } from './signaturePayloads';
import { SingleFlight } from './singleFlight';
import { attestationReferrers, cosignTagReferrers, listOciReferrers, REFERRERS_LIMITS, toReferrer, type ReferrersLimits } from './referrers';
import { fetchTags, TAG_LIST_LIMITS } from './tags';
import type { TagListLimits } from './tags';
import type { RequestEvent } from './exchange';
import type { RateLimitState } from './rateLimit';
import { Transport } from './transport';
import { isValidDigest, isValidTag } from './validate';
import type {
  AuthRequirement,
  ManifestDetail,
  ManifestInfo,
  ManifestRef,
  ManifestRequestOptions,
  PlatformInfo,
  ReferrerInfo,
  ReferrerList,
  ReferrersRequestOptions,
  RegistryClient,
  RepositoryName,
  RequestOptions,
  TagList,
} from './types';

export interface RegistryClientOptions {
  /** A directory for the on-disk cache; memory only when absent. */
  readonly cacheDir?: string;
  /** Registries (host[:port], or IPv4 CIDRs) that may use plain HTTP besides loopback. TLS is still verified when used. */
  readonly insecureRegistries?: readonly string[];
  /** host[:port] (or host) → PEM file of extra CA certificates for that host. */
  readonly caFiles?: Readonly<Record<string, string>>;
  /** The docker config directory; defaults to $DOCKER_CONFIG, then ~/.docker. */
  readonly dockerConfigDir?: string;
  /** Environment for config locations and credential helpers; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces the default keychain (docker config, podman auth files). */
  readonly keychain?: Keychain;
  /** Timeout for one HTTP exchange, in milliseconds (default 15 000). */
  readonly fetchTimeoutMs?: number;
  readonly concurrencyPerRegistry?: number;
  readonly userAgent?: string;
  /** How long tag lists and tag → digest answers are fresh (default 5 minutes). */
  readonly tagTtlMs?: number;
  /** Retries after 429/502/503/504 or a reset connection (default 3). */
  readonly maxRetries?: number;
  /** Longest single wait before a retry (default 10 s); a longer Retry-After fails at once with `retryAfterMs`. */
  readonly maxRetryDelayMs?: number;
  /** The first backoff when the registry gives no Retry-After (default 250 ms), doubled on each retry. */
  readonly retryBackoffMs?: number;
  /** How long a keychain answer is reused (default 60 s). */
  readonly credentialTtlMs?: number;
  /** Called after every HTTP exchange, for tracing; gets no headers or bodies. */
  readonly onRequest?: (event: RequestEvent) => void;
  /** Bounds on one tag listing, over all its pages (default TAG_LIST_LIMITS). */
  readonly tagListLimits?: Partial<TagListLimits>;
  /** Bounds on one referrers listing, over all its pages (default REFERRERS_LIMITS). */
  readonly referrersLimits?: Partial<ReferrersLimits>;
  /** The clock for cache ages, the time bound of a tag listing and token lifetimes (default Date.now). */
  readonly now?: () => number;
}

/** How much a cached manifest entry holds; `body` sits between the levels of older cache files, which stay valid. */
const LEVEL: Readonly<Record<ManifestDetail, number>> = { digest: 0, body: 0.5, manifest: 1, platforms: 2 };
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;
const PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function createRegistryClient(options: RegistryClientOptions = {}): RegistryClient {
  return new HttpRegistryClient(options);
}

export class HttpRegistryClient implements RegistryClient {
  private readonly transport: Transport;
  private readonly cache: RegistryCache;
  private readonly flights = new SingleFlight();
  private readonly tagTtlMs: number;
  private readonly tagListLimits: TagListLimits;
  private readonly referrersLimits: ReferrersLimits;
  private readonly now: () => number;

  constructor(options: RegistryClientOptions = {}) {
    const env = options.env ?? process.env;
    const keychain = options.keychain ?? createDefaultKeychain({ dockerConfigDir: options.dockerConfigDir, env });
    this.transport = new Transport({
      keychain: cachedKeychain(keychain, options.credentialTtlMs ?? 60_000),
      insecureRegistries: options.insecureRegistries ?? [],
      caFiles: options.caFiles ?? {},
      timeoutMs: options.fetchTimeoutMs ?? 15_000,
      concurrency: options.concurrencyPerRegistry ?? 6,
      userAgent: options.userAgent ?? 'image-aware-manifests',
      maxRetries: options.maxRetries ?? 3,
      maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000,
      backoffMs: options.retryBackoffMs ?? 250,
      onRequest: options.onRequest,
      now: options.now,
    });
    this.cache = new RegistryCache({ dir: options.cacheDir, now: options.now });
    this.tagTtlMs = options.tagTtlMs ?? 5 * 60_000;
    this.tagListLimits = { ...TAG_LIST_LIMITS, ...options.tagListLimits };
    this.referrersLimits = { ...REFERRERS_LIMITS, ...options.referrersLimits };
    this.now = options.now ?? Date.now;
  }

  rateLimit(registry: string): RateLimitState | undefined {
    return this.transport.rateLimits.of(registry);
  }

  close(): void {
    this.transport.close();
  }

  async listTags(repository: RepositoryName, options: RequestOptions = {}): Promise<TagList> {
    const repo = checkRepository(repository);
    const key = `tags|${repo.registry}/${repo.path}`;
    if (options.fresh !== true) {
      const entry = await this.cache.get(key, isTagList);
      if (entry !== undefined && this.cache.isFresh(entry, this.tagTtlMs)) return { tags: entry.value, fromCache: true, stale: false };
    }
    return this.flights.run(
      key,
      async (signal) => {
        try {
          const tags = await fetchTags(this.transport, repo, signal, this.tagListLimits, this.now);
          await this.cache.set(key, tags);
          return { tags, fromCache: false, stale: false };
        } catch (error) {
          const entry = isTemporary(error) ? await this.cache.get(key, isTagList) : undefined;
          if (entry === undefined) throw error;
          return { tags: entry.value, fromCache: true, stale: true };
        }
      },
      options.signal,
      () => cancelled(repo.registry),
    );
  }

  async getManifest(ref: ManifestRef, options: ManifestRequestOptions = {}): Promise<ManifestInfo> {
    const repo = checkRepository(ref);
    const reference = checkReference(ref.reference, repo.registry);
    const detail = options.detail ?? 'manifest';
    const key = `manifest|${repo.registry}/${repo.path}|${reference}|${detail}|${options.fresh === true}`;
    return this.flights.run(
      key,
      (signal) => this.resolve(repo, reference, detail, options.fresh === true, signal),
      options.signal,
      () => cancelled(repo.registry),
    );
  }

  /**
   * Whether a node without credentials may pull from the repository: one anonymous HEAD of the manifest, unless
   * the answer is cached (per repository, for the tag lifetime) or this client already had a request without
   * credentials to the repository answered. 401 and 403 mean credentials are required; 2xx and 404 mean not.
   */
  async requiresAuth(ref: ManifestRef, options: RequestOptions = {}): Promise<AuthRequirement> {
    const repo = checkRepository(ref);
    const reference = checkReference(ref.reference, repo.registry);
    const key = `anonymous|${repo.registry}/${repo.path}`;
    if (options.fresh !== true) {
      const entry = await this.cache.get(key, isBoolean);
      if (entry !== undefined && this.cache.isFresh(entry, this.tagTtlMs)) return { required: entry.value, fromCache: true, stale: false };
    }
    return this.flights.run(
      `${key}|${options.fresh === true}`,
      async (signal) => {
        if (this.transport.answeredAnonymously(repo.registry, repo.path)) {
          await this.cache.set(key, false);
          return { required: false, fromCache: true, stale: false };
        }
        let required: boolean;
        try {
          await headManifest(this.transport, repo, reference, signal, true);
          required = false;
        } catch (error) {
          const code = error instanceof RegistryError ? error.code : undefined;
          if (code === 'UNAUTHORIZED' || code === 'DENIED') required = true;
          else if (code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN') required = false;
          else {
            const old = isTemporary(error) ? await this.cache.get(key, isBoolean) : undefined;
            if (old === undefined) throw error;
            return { required: old.value, fromCache: true, stale: true };
          }
        }
        await this.cache.set(key, required);
        return { required, fromCache: false, stale: false };
      },
      options.signal,
      () => cancelled(repo.registry),
    );
  }

  /**
   * What refers to a digest (referrers.ts), cached for good under `referrers|registry/path@digest|artifactType`:
   * the referrers of a digest only grow, so a cached answer is served until asked with `fresh`, and served stale
   * when the registry cannot be reached then. With an artifactType filter only OCI referrers are listed (cosign tags
   * and BuildKit attestations carry no artifactType).
   */
  async listReferrers(subject: ManifestRef, options: ReferrersRequestOptions = {}): Promise<ReferrerList> {
    const repo = checkRepository(subject);
    const digest = checkReference(subject.reference, repo.registry);
    if (!isDigest(digest))
      throw new RegistryError({
        code: 'NAME_INVALID',
        registry: repo.registry,
        message: `referrers are listed for a digest, not the tag "${digest}"`,
        temporary: false,
      });
    const key = `referrers|${repo.registry}/${repo.path}@${digest}|${options.artifactType ?? ''}${options.payloads === true ? '|payloads' : ''}`;
    const valid = isReferrerListOf(digest);
    if (options.fresh !== true) {
      const entry = await this.cache.get(key, valid);
      if (entry !== undefined) return { ...entry.value, fromCache: true, stale: false };
    }
    return this.flights.run(
      `${key}|${options.fresh === true}`,
      async (signal) => {
        try {
          const list = await this.fetchReferrers(repo, digest, options.artifactType, options.payloads === true, signal);
          await this.cache.set<StoredReferrerList>(key, list);
          return { ...list, fromCache: false, stale: false };
        } catch (error) {
          const old = isTemporary(error) ? await this.cache.get(key, valid) : undefined;
          if (old === undefined) throw error;
          return { ...old.value, fromCache: true, stale: true };
        }
      },
      options.signal,
      () => cancelled(repo.registry),
    );
  }

  private async fetchReferrers(
    repo: RepositoryName,
    subject: string,
    artifactType: string | undefined,
    payloads: boolean,
    signal: AbortSignal,
  ): Promise<StoredReferrerList> {
    const none = { referrers: [], notes: [] };
    const [oci, cosign, attestations] = await Promise.all([
      listOciReferrers(this.transport, repo, subject, { artifactType, limits: this.referrersLimits, now: this.now, signal }),
      artifactType === undefined ? cosignTagReferrers(this.transport, repo, subject, signal) : none,
      artifactType === undefined ? this.indexAttestations(repo, subject, signal) : none,
    ]);
    const referrers: ReferrerInfo[] = oci.referrers.map((descriptor) => toReferrer(descriptor, subject, oci.discovery, repo));
    const seen = new Set(referrers.map((referrer) => referrer.digest));
    for (const referrer of [...cosign.referrers, ...attestations.referrers]) {
      if (!seen.has(referrer.digest)) referrers.push(referrer);
      seen.add(referrer.digest);
    }
    const notes = [...oci.notes, ...cosign.notes, ...attestations.notes];
    if (!payloads) return { subject, referrers, discovery: oci.discovery, notes };
    const signed = await readSignaturePayloads({ transport: this.transport, repository: repo, signal }, referrers);
    return { subject, referrers: signed.referrers, discovery: oci.discovery, notes: [...notes, ...signed.notes] };
  }

  /**
   * The BuildKit attestation manifests of `subject` when it is an index, read from its manifest (cached for good,
   * and usually cached already: a subject is a manifest that was found); none when the repository does not have
   * it. An index entry cached before attestations were kept is read again, keeping what it knew.
   */
  private async indexAttestations(repo: RepositoryName, subject: string, signal: AbortSignal): Promise<{ referrers: ReferrerInfo[]; notes: string[] }> {
    let info: StoredManifest;
    try {
      info = await this.resolve(repo, subject, 'body', false, signal);
    } catch (error) {
      // A signature repository holds no subject, only what refers to its digest.
      if (error instanceof RegistryError && error.status === 404) return { referrers: [], notes: [] };
      throw error;
    }
    if (info.isIndex !== true) return { referrers: [], notes: [] };
    if (info.attestations === undefined) {
      const parsed = await fetchManifest(this.transport, repo, subject, signal);
      const attestations = parsed.kind === 'index' ? parsed.attestations : [];
      const cached = await this.manifestEntry(repo, subject);
      if (cached !== undefined) {
        const stored = { level: cached.value.level, info: { ...cached.value.info, attestations } };
        await this.cache.set<ManifestEntry>(`manifest|${repo.registry}/${repo.path}@${subject}`, stored);
      }
      info = { ...info, attestations };
    }
    return attestationReferrers(this.transport, repo, info.attestations ?? [], signal);
  }

  private async resolve(repo: RepositoryName, reference: string, detail: ManifestDetail, fresh: boolean, signal: AbortSignal): Promise<ManifestInfo> {
    let requested = false;
    let stale = false;
    let digest = reference;
    let announced: { mediaType?: string; size?: number } = {};
    // The tag's digest came from a fresh cache entry, which is as good an answer as the HEAD that stored it.
    let cachedTag = false;
    if (!isDigest(reference)) {
      const tagKey = `tag|${repo.registry}/${repo.path}:${reference}`;
      const entry = await this.cache.get(tagKey, isTagDigest);
      if (!fresh && entry !== undefined && this.cache.isFresh(entry, this.tagTtlMs)) {
        ({ digest, ...announced } = entry.value);
        cachedTag = true;
      } else {
        try {
          // A HEAD when only the digest is wanted, or when the body of the digest the tag named last is cached
          // (most likely still the answer). Otherwise the GET by tag below is the one request: the body is wanted
          // anyway, and its bytes give the digest.
          let head: { digest?: string; mediaType?: string; size?: number } = {};
          if (detail === 'digest' || (entry !== undefined && (await this.cachedManifest(repo, entry.value.digest, detail)) !== undefined)) {
            head = await headOrNothing(this.transport, repo, reference, signal);
            requested = true;
          }
          if (head.digest === undefined) {
            // The body is wanted, no digest was announced, or HEAD was refused: GET by tag and hash the bytes.
            const parsed = await fetchManifest(this.transport, repo, reference, signal);
            await this.cache.set<TagDigest>(tagKey, { digest: parsed.digest, mediaType: parsed.mediaType, size: parsed.size });
            // Another tag may have brought this digest's manifest in already, with more than this detail needs.
            const known = await this.cachedManifest(repo, parsed.digest, detail);
            if (known !== undefined) return { ...known, fromCache: false, stale: false };
            return this.store(repo, await this.complete(repo, parsed, detail, signal), detail);
          }
          digest = head.digest;
          announced = { mediaType: head.mediaType, size: head.size };
          await this.cache.set<TagDigest>(tagKey, { digest, ...announced });
        } catch (error) {
          const old = isTemporary(error) ? entry : undefined;
          if (old === undefined) throw error;
          ({ digest, ...announced } = old.value);
          stale = true;
        }
      }
    }

    const cached = await this.manifestEntry(repo, digest);
    if (cached !== undefined && cached.value.level >= LEVEL[detail]) return { ...cached.value.info, fromCache: !requested, stale };
    if (detail === 'digest') {
      if (requested || stale || cachedTag) return { digest, mediaType: announced.mediaType ?? '', size: announced.size ?? 0, fromCache: !requested, stale };
      const head = await headOrNothing(this.transport, repo, digest, signal);
      if (head.mediaType !== undefined || head.digest !== undefined)
        return { digest, mediaType: head.mediaType ?? '', size: head.size ?? 0, fromCache: false, stale };
      // HEAD is refused here: the GET below answers instead.
    }
    try {
      const parsed = await fetchManifest(this.transport, repo, digest, signal);
      return { ...(await this.store(repo, await this.complete(repo, parsed, detail, signal), detail)), stale };
    } catch (error) {
      if (cached === undefined || !isTemporary(error)) throw error;
      return { ...cached.value.info, fromCache: true, stale: true };
    }
  }

  private manifestEntry(repo: RepositoryName, digest: string): Promise<{ value: ManifestEntry } | undefined> {
    return this.cache.get(`manifest|${repo.registry}/${repo.path}@${digest}`, isManifestEntryOf(digest));
  }

  /** The cached manifest with this digest, if it holds at least what `detail` asks for. */
  private async cachedManifest(repo: RepositoryName, digest: string, detail: ManifestDetail): Promise<StoredManifest | undefined> {
    const cached = await this.manifestEntry(repo, digest);
    return cached !== undefined && cached.value.level >= LEVEL[detail] ? cached.value.info : undefined;
  }

  private async store(repo: RepositoryName, info: StoredManifest, detail: ManifestDetail): Promise<ManifestInfo> {
    // An index read without its children holds what `manifest` asks for; a single-platform image read with its
    // config has nothing more to fetch for `platforms`, so it is stored at the highest level.
    const complete = LEVEL[detail] >= LEVEL.manifest;
    const level = info.isIndex === true ? Math.max(LEVEL[detail], LEVEL.manifest) : complete ? LEVEL.platforms : LEVEL.body;
    await this.cache.set<ManifestEntry>(`manifest|${repo.registry}/${repo.path}@${info.digest}`, { level, info });
    return { ...info, fromCache: false, stale: false };
  }

  /**
   * Adds what the manifest alone does not say: the config of an image (from `manifest` on), the children of an
   * index (for `platforms`).
   */
  /** The first MAX_CHILDREN_READ distinct children of an index, each read once, CHILD_CONCURRENCY at a time. */
  private async childDetails(repo: RepositoryName, platforms: readonly PlatformInfo[], signal: AbortSignal): Promise<Map<string, ManifestInfo>> {
    const digests = [...new Set(platforms.map((platform) => platform.digest))].slice(0, MAX_CHILDREN_READ);
    const details = new Map<string, ManifestInfo>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < digests.length) {
        const digest = digests[next++];
        details.set(digest, await this.resolve(repo, digest, 'manifest', false, signal));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHILD_CONCURRENCY, digests.length) }, worker));
    return details;
  }

  private async complete(repo: RepositoryName, parsed: ParsedManifest, detail: ManifestDetail, signal: AbortSignal): Promise<StoredManifest> {
    if (parsed.kind === 'image') {
      const base = {
        digest: parsed.digest,
        mediaType: parsed.mediaType,
        size: parsed.size,
        isIndex: false,
        totalSize: parsed.totalSize,
        configMediaType: parsed.config.mediaType,
      };
      if (LEVEL[detail] < LEVEL.manifest || !isImageConfig(parsed.config.mediaType)) return base;
      return { ...base, ...(await fetchImageConfig(this.transport, repo, parsed.config, signal)) };
    }
    let platforms: PlatformInfo[] = parsed.platforms;
    if (detail === 'platforms') {
      const children = await this.childDetails(repo, parsed.platforms, signal);
      platforms = parsed.platforms.map((platform) => {
        const child = children.get(platform.digest);
        if (child === undefined) return platform;
        return {
          ...platform,
          ...(child.totalSize === undefined ? {} : { totalSize: child.totalSize }),
          ...(child.created === undefined ? {} : { created: child.created }),
        };
      });
    }
    return { digest: parsed.digest, mediaType: parsed.mediaType, size: parsed.size, isIndex: true, platforms, attestations: parsed.attestations };
  }
}

/**
 * How many distinct children of one index are read for their sizes and dates (a manifest and a config each):
 * real multi-platform images have a dozen at most, and the rest of a larger index keeps what the index says.
 */
const MAX_CHILDREN_READ = 32;
/** How many of those are read at a time. */
const CHILD_CONCURRENCY = 4;

/**
 * HEAD a manifest; a registry that refuses HEAD (405) answers nothing, so that a GET is made instead.
 * A 404 is MANIFEST_UNKNOWN: distribution answers that even for a repository that does not exist (only the tag
 * list says NAME_UNKNOWN), so a GET would tell no more.
 */
async function headOrNothing(
  transport: Transport,
  repo: RepositoryName,
  reference: string,
  signal: AbortSignal,
): Promise<{ digest?: string; mediaType?: string; size?: number }> {
  try {
    return await headManifest(transport, repo, reference, signal);
  } catch (error) {
    if (error instanceof RegistryError && error.status === 405) return {};
    throw error;
  }
}

function isTemporary(error: unknown): boolean {
  return error instanceof RegistryError && error.temporary;
}

function checkRepository<T extends RepositoryName>(repository: T): T {
  const registry = normalizeRegistry(repository.registry);
  const path = registry === DOCKER_HUB && !repository.path.includes('/') ? `library/${repository.path}` : repository.path;
  if (!HOST.test(registry))
    throw new RegistryError({ code: 'NAME_INVALID', registry, message: `"${registry}" is not a registry host[:port]`, temporary: false });
  if (!PATH.test(path) || path.length > 255)
    throw new RegistryError({ code: 'NAME_INVALID', registry, message: `"${path}" is not a repository name`, temporary: false });
  return { ...repository, registry, path };
}

function checkReference(reference: string, registry: string): string {
  if (isDigest(reference) ? isValidDigest(reference) : isValidTag(reference)) return reference;
  throw new RegistryError({
    code: isDigest(reference) ? 'NAME_INVALID' : 'TAG_INVALID',
    registry,
    message: `"${reference}" is neither a tag nor a digest`,
    temporary: false,
  });
}
