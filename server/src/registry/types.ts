/**
 * The registry client's one interface and the plain data it returns.
 * Everything here is JSON-serializable, so the core can receive it as registry facts and the disk cache can store it.
 */
import type { RateLimitState } from './rateLimit';

/** A repository on a registry: `registry` is host[:port] with Docker Hub normalized to "docker.io". */
export interface RepositoryName {
  readonly registry: string;
  /** The repository path, with "library/" already added for official Docker Hub images. */
  readonly path: string;
}

/** A manifest in a repository: `reference` is a tag or a digest ("sha256:…"). */
export interface ManifestRef extends RepositoryName {
  readonly reference: string;
}

export interface RequestOptions {
  /** Cancels the request; the client then rejects with a `RegistryError` whose code is ABORTED. */
  readonly signal?: AbortSignal;
  /** Skips the time-limited cache entries (tag lists, tag → digest). Content-addressed entries are always used. */
  readonly fresh?: boolean;
}

/**
 * How much `getManifest` finds out.
 * - `digest`: the digest, media type and size only (one HEAD request, or none when cached); what pinning needs.
 * - `body`: the manifest body alone (one GET, by tag when the digest is not known yet): for an index, its
 *   platforms and their digests; no config blob, no child manifest. What pinning one platform needs.
 * - `manifest` (the default): the manifest body, plus the config blob of a single-platform image.
 * - `platforms`: as `manifest`, and for an index also every child manifest and config, for per-platform sizes.
 * By tag, a body is fetched with one GET by tag (its Docker-Content-Digest, or the sha256 of its bytes, is the
 * digest), unless the body of the digest the tag named last is cached: then a HEAD tells whether it still does.
 */
export type ManifestDetail = 'digest' | 'body' | 'manifest' | 'platforms';

export interface ManifestRequestOptions extends RequestOptions {
  readonly detail?: ManifestDetail;
}

export interface TagList {
  readonly tags: readonly string[];
  /** True when no request was made for this answer. */
  readonly fromCache: boolean;
  /** True when the registry could not be reached (or answered with a temporary error) and an expired entry was served. */
  readonly stale: boolean;
}

export interface PlatformInfo {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
  /** The digest of this platform's image manifest. */
  readonly digest: string;
  /** The size in bytes of this platform's image manifest, as the index states it. */
  readonly size: number;
  /** Sum of the layer sizes (compressed), known only with `detail: 'platforms'`. */
  readonly totalSize?: number;
  /** The image config's `created`, known only with `detail: 'platforms'`. */
  readonly created?: string;
}

/** A BuildKit attestation manifest listed in an index (moby/buildkit docs/attestations/attestation-storage.md). */
export interface AttestationInfo {
  readonly digest: string;
  readonly size: number;
  /** `vnd.docker.reference.digest`: the digest of the platform image it describes. */
  readonly subject: string;
}

export interface ManifestInfo {
  /** The verified digest of the manifest bytes. */
  readonly digest: string;
  readonly mediaType: string;
  /** The size of the manifest itself in bytes. */
  readonly size: number;
  /** True for an OCI image index or a Docker manifest list. */
  readonly isIndex?: boolean;
  /** Sum of the layer sizes of a single-platform image (compressed, as stored in the registry). */
  readonly totalSize?: number;
  /** The platforms of an index, attestation manifests left out. */
  readonly platforms?: readonly PlatformInfo[];
  /**
   * The BuildKit attestation manifests of an index (`vnd.docker.reference.type: attestation-manifest`), each with
   * the platform image it describes. Absent when not read: a cache entry written before they were kept.
   */
  readonly attestations?: readonly AttestationInfo[];
  /** The media type of the config blob, which tells images from other artifacts. */
  readonly configMediaType?: string;
  readonly created?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
  readonly fromCache: boolean;
  readonly stale: boolean;
}

/** Whether a client without any credentials (a Kubernetes node without pull secrets) may pull from a repository. */
export interface AuthRequirement {
  /** True when the registry refused an anonymous pull (401 or 403); false when it let it through (or answered 404). */
  readonly required: boolean;
  /** True when no request was made for this answer. */
  readonly fromCache: boolean;
  /** True when the registry could not be reached and an expired answer was served. */
  readonly stale: boolean;
}

/** A layer of a referrer's manifest, as far as recognising it needs: media type, digest, size and annotations. */
export interface ReferrerLayer {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations: Readonly<Record<string, string>>;
  /** A cosign simple-signing layer's or a Sigstore bundle layer's blob, base64, when payloads were asked for (signaturePayloads.ts). */
  readonly payload?: string;
}

/**
 * Where a referrer was found:
 * - `referrers-api`: `GET /v2/<name>/referrers/<digest>` (OCI distribution spec 1.1, "Listing Referrers");
 * - `referrers-tag`: the referrers tag schema's index under the tag `<alg>-<hex>`, when the API answered 404;
 * - `cosign-tag`: cosign's own tags `<alg>-<hex>.sig`, `.att` and `.sbom` (cosign specs/SIGNATURE_SPEC.md);
 * - `attestation-manifest`: a BuildKit attestation manifest inside the subject's index.
 */
export type ReferrerSource = 'referrers-api' | 'referrers-tag' | 'cosign-tag' | 'attestation-manifest';

/** One manifest that refers to a subject: its descriptor, and for those whose manifest was read, its layers. */
export interface ReferrerInfo {
  readonly digest: string;
  readonly mediaType: string;
  /** The descriptor's `artifactType` (the manifest's, else its config's media type, as the referrers API sets it). */
  readonly artifactType?: string;
  readonly size: number;
  /** The manifest's annotations, as the descriptor carries them. */
  readonly annotations: Readonly<Record<string, string>>;
  /** The digest of the manifest it refers to. */
  readonly subject: string;
  readonly source: ReferrerSource;
  /** The repository it was found in (`registry/path`): the image's own, or a signature repository. */
  readonly repository: string;
  /** For a cosign tag, the tag (`sha256-….sig`). */
  readonly tag?: string;
  /** Read from the referrer's own manifest (cosign tags, BuildKit attestation manifests). */
  readonly configMediaType?: string;
  readonly layers?: readonly ReferrerLayer[];
}

export interface ReferrerList {
  /** The digest that was asked about. BuildKit attestations of an index refer to its platform images instead. */
  readonly subject: string;
  readonly referrers: readonly ReferrerInfo[];
  /** How the OCI referrers were listed: by the API, or (it answered 404) by the referrers tag. */
  readonly discovery: 'referrers-api' | 'referrers-tag';
  /** What was left out and why, one sentence each (a fallback tag that is no referrers index, for example). */
  readonly notes: readonly string[];
  /** True when no request was made for this answer. */
  readonly fromCache: boolean;
  /** True when the registry could not be reached (or answered with a temporary error) and an older answer was served. */
  readonly stale: boolean;
}

export interface ReferrersRequestOptions extends RequestOptions {
  /** Only referrers of this artifact type (the API's `artifactType` filter; applied here when the registry does not). */
  readonly artifactType?: string;
  /** Also read the signed payloads of cosign signatures, for a verifier (a separate cache entry). */
  readonly payloads?: boolean;
}

/** What the server and CLI use: the only way into this module besides `createRegistryClient`. */
export interface RegistryClient {
  listTags(repository: RepositoryName, options?: RequestOptions): Promise<TagList>;
  getManifest(ref: ManifestRef, options?: ManifestRequestOptions): Promise<ManifestInfo>;
  /**
   * Whether pulling from the repository needs credentials, asked the way a node without any would ask: one
   * anonymous HEAD of `ref`'s manifest (after an anonymous token, for a Bearer registry), never with the
   * credentials of the keychain. Cached per repository (not per reference: registries grant pulls per
   * repository) like a tag: in memory and on disk for the tag lifetime. No request at all when a request
   * without credentials to that repository has already been answered by this client.
   */
  requiresAuth(ref: ManifestRef, options?: RequestOptions): Promise<AuthRequirement>;
  /**
   * What refers to the manifest `subject.reference` (a digest): OCI 1.1 referrers (the API, else the referrers tag
   * schema), cosign's `.sig`/`.att`/`.sbom` tags, and for an index its BuildKit attestation manifests. Cached for
   * good by repository and digest, like the manifest itself; `fresh` asks again, since referrers can be added later.
   */
  listReferrers(subject: ManifestRef, options?: ReferrersRequestOptions): Promise<ReferrerList>;
  /**
   * The pull rate limit the registry announced in its last answer to this client (RateLimit-Limit and
   * RateLimit-Remaining, rateLimit.ts); undefined when it announced none.
   */
  rateLimit(registry: string): RateLimitState | undefined;
  /** Closes idle connections. Requests still running finish; new ones still work (they open new connections). */
  close(): void;
}
