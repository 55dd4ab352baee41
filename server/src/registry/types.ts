/**
 * The registry client's one interface and the plain data it returns.
 * Everything here is JSON-serializable, so the core can receive it as registry facts and the disk cache can store it.
 */

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
  /** Closes idle connections. Requests still running finish; new ones still work (they open new connections). */
  close(): void;
}
