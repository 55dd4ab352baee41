/**
 * Seeds a test registry over the plain distribution API, with no daemon or CLI in between:
 * `POST /v2/NAME/blobs/uploads/` → `PUT <Location>&digest=…` with the whole blob (a monolithic
 * upload) → `PUT /v2/NAME/manifests/REF` with the manifest's media type as `Content-Type`.
 * Every manifest digest is the sha256 of the exact bytes sent, and each push checks it against the
 * `Docker-Content-Digest` the registry answers, so tests can trust the digests returned here.
 */
import type { HttpResponse } from './http';
import { buildAttestation, buildImage, buildIndex, parsePlatform } from './images';
import type { Blob, BuiltImage, ImageFormat, ImageSpec, Platform } from './images';
import { RegistrySession } from './session';
import type { RegistryTarget } from './session';

/** What a push left in the registry: the manifest's digest, media type and size in bytes. */
export interface PushResult {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface PushedImage extends PushResult {
  readonly platform: Platform;
  readonly configDigest: string;
  /** The manifest bytes exactly as pushed. */
  readonly manifest: Buffer;
  /** The config JSON as pushed (created, os, architecture, variant, config.Labels…). */
  readonly config: Buffer;
}

export interface PushedIndex extends PushResult {
  readonly manifest: Buffer;
  /** One pushed image per requested platform, in order. */
  readonly images: readonly PushedImage[];
  /** The attestation manifests, when asked for (OCI only). */
  readonly attestations: readonly PushResult[];
}

export interface IndexSpec {
  /** `oci` for an OCI image index (default), `docker` for a Docker manifest list. */
  readonly format?: ImageFormat;
  /** Adds a BuildKit-style `unknown/unknown` attestation manifest per platform (OCI only). */
  readonly attestations?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  readonly created?: string;
}

/** A push the registry refused, with its answer, so test failures show the registry's reason. */
export class SeedError extends Error {
  constructor(
    what: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${what}: the registry answered ${status} ${body}`);
    this.name = 'SeedError';
  }
}

function expectStatus(response: HttpResponse, expected: number, what: string): void {
  if (response.status !== expected) throw new SeedError(what, response.status, response.body.toString('utf8'));
}

function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}

/** Uploads a blob unless the repository has it already. */
export async function uploadBlob(session: RegistrySession, repo: string, blob: Blob): Promise<void> {
  const scope = pushScope(repo);
  const existing = await session.request('HEAD', `/v2/${repo}/blobs/${blob.digest}`, scope);
  if (existing.status === 200) return;
  const started = await session.request('POST', `/v2/${repo}/blobs/uploads/`, scope);
  expectStatus(started, 202, `starting the upload of ${blob.digest} to ${repo}`);
  const location = new URL(started.header('location') ?? '', session.target.url);
  location.searchParams.set('digest', blob.digest);
  const finished = await session.request('PUT', location.href, scope, {
    headers: { 'Content-Type': 'application/octet-stream' },
    body: blob.bytes,
  });
  expectStatus(finished, 201, `uploading ${blob.digest} to ${repo}`);
}

/** Puts a manifest under reference (a tag or its digest) and checks the digest the registry answers. */
export async function putManifest(session: RegistrySession, repo: string, reference: string, manifest: Blob): Promise<PushResult> {
  const response = await session.request('PUT', `/v2/${repo}/manifests/${reference}`, pushScope(repo), {
    headers: { 'Content-Type': manifest.mediaType },
    body: manifest.bytes,
  });
  expectStatus(response, 201, `putting ${manifest.mediaType} ${repo}:${reference}`);
  const answered = response.header('docker-content-digest');
  if (answered !== manifest.digest) {
    throw new Error(`${repo}:${reference}: the registry reports digest ${answered}, but the bytes sent hash to ${manifest.digest}`);
  }
  return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size };
}

/** Uploads an image's blobs and puts its manifest under reference (a tag, or its own digest). */
async function pushBuilt(session: RegistrySession, repo: string, reference: string | undefined, image: BuiltImage): Promise<PushedImage> {
  for (const blob of [...image.layers, image.config]) await uploadBlob(session, repo, blob);
  const result = await putManifest(session, repo, reference ?? image.manifest.digest, image.manifest);
  return { ...result, platform: image.platform, configDigest: image.config.digest, manifest: image.manifest.bytes, config: image.config.bytes };
}

/** Pushes a single-platform image with new random layers under repo:tag. */
export async function pushImage(target: RegistryTarget, repo: string, tag: string, spec: ImageSpec = {}): Promise<PushedImage> {
  return pushBuilt(new RegistrySession(target), repo, tag, buildImage(repo, tag, spec));
}

/**
 * Pushes one image per platform by digest, then an OCI index (or a Docker manifest list) over
 * them under repo:tag, which is the order the registry requires: children must exist first.
 */
export async function pushIndex(
  target: RegistryTarget,
  repo: string,
  tag: string,
  platforms: ReadonlyArray<Platform | string>,
  spec: IndexSpec = {},
): Promise<PushedIndex> {
  const format = spec.format ?? 'oci';
  if (spec.attestations && format !== 'oci') throw new Error('attestation manifests exist only in OCI indexes');
  const session = new RegistrySession(target);
  const images: PushedImage[] = [];
  const attestations: PushResult[] = [];
  const entries: Array<{ manifest: Blob; platform: Platform; annotations?: Record<string, string> }> = [];
  for (const platform of platforms.map(parsePlatform)) {
    const built = buildImage(repo, tag, { format, platform, labels: spec.labels, created: spec.created });
    images.push(await pushBuilt(session, repo, undefined, built));
    entries.push({ manifest: built.manifest, platform });
  }
  if (spec.attestations) {
    for (const child of entries.slice()) {
      const attestation = buildAttestation(child.manifest);
      attestations.push(await pushBuilt(session, repo, undefined, attestation.image));
      entries.push({ manifest: attestation.image.manifest, platform: attestation.image.platform, annotations: attestation.annotations });
    }
  }
  const index = buildIndex(format, entries);
  const result = await putManifest(session, repo, tag, index);
  return { ...result, manifest: index.bytes, images, attestations };
}

/**
 * Puts one image under many tags, for paging tests. The blobs go up once and the same manifest is
 * put under every tag with a few requests in flight, so 260 tags take a second or two, not minutes.
 */
export async function pushTags(
  target: RegistryTarget,
  repo: string,
  tags: readonly string[],
  options: ImageSpec & { concurrency?: number } = {},
): Promise<PushedImage> {
  if (tags.length === 0) throw new Error('pushTags needs at least one tag');
  const session = new RegistrySession(target);
  const built = buildImage(repo, tags[0], options);
  const first = await pushBuilt(session, repo, tags[0], built);
  let next = 1;
  const worker = async (): Promise<void> => {
    while (next < tags.length) await putManifest(session, repo, tags[next++], built.manifest);
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 6, tags.length) }, worker));
  return first;
}

/** Pushes a new image under an existing tag, so the tag now names a different digest. */
export async function moveTag(target: RegistryTarget, repo: string, tag: string, spec: ImageSpec = {}): Promise<PushedImage> {
  return pushImage(target, repo, tag, spec);
}

/** Deletes a manifest by digest (the registry allows it: `storage.delete.enabled` is set). */
export async function deleteManifest(target: RegistryTarget, repo: string, digest: string): Promise<void> {
  const response = await new RegistrySession(target).request('DELETE', `/v2/${repo}/manifests/${digest}`, `repository:${repo}:delete`);
  expectStatus(response, 202, `deleting ${repo}@${digest}`);
}
