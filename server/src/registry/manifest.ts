/**
 * Manifests as the OCI distribution spec serves them.
 * Requests name all four media types in Accept (OCI index and manifest, Docker list and schema2): without them
 * distribution answers 404 for OCI content and converts Docker images to schema1, a different digest.
 * A digest means "verify the bytes": every manifest and config body is hashed and compared with the digest it was
 * asked for (or the one the registry announced), and a difference is DIGEST_MISMATCH.
 * Every digest the registry names (Docker-Content-Digest, index entries, the config descriptor) must be a digest
 * (validate.ts) before it is compared, requested or returned.
 * An index yields its platforms and, apart, its BuildKit attestation manifests, at most MAX_INDEX_ENTRIES in all; an image
 * manifest yields the sum of its layer sizes and, from its config blob, created, labels and platform.
 */
import { createHash } from 'node:crypto';
import { isRecord, record } from '../core/json';
import { RegistryError, tooLarge } from './errors';
import { header, type HttpResponse } from './http';
import type { RegistryRequest, Transport } from './transport';
import type { AttestationInfo, PlatformInfo, RepositoryName } from './types';
import { isValidDigest, requireDigest } from './validate';

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MANIFEST_ACCEPT = [OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST].join(', ');
const IMAGE_CONFIG_TYPES = new Set(['application/vnd.oci.image.config.v1+json', 'application/vnd.docker.container.image.v1+json']);

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024; // containerd's limit
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** Entries of one index: real ones list a platform or a few dozen, and each may cost two requests for `platforms`. */
export const MAX_INDEX_ENTRIES = 1000;
const ALGORITHMS: Readonly<Record<string, string>> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export type ParsedManifest =
  | {
      readonly kind: 'index';
      readonly digest: string;
      readonly mediaType: string;
      readonly size: number;
      readonly platforms: PlatformInfo[];
      readonly attestations: AttestationInfo[];
    }
  | {
      readonly kind: 'image';
      readonly digest: string;
      readonly mediaType: string;
      readonly size: number;
      readonly config: Descriptor;
      readonly totalSize: number;
    };

export interface ImageConfigFacts {
  readonly created?: string;
  readonly labels?: Record<string, string>;
  readonly os?: string;
  readonly architecture?: string;
  readonly variant?: string;
}

export function isDigest(reference: string): boolean {
  return reference.includes(':'); // tags cannot contain ":", digests always do
}

/** The digest of `bytes` with the algorithm of `like` ("sha256:…"); UNSUPPORTED for other algorithms. */
export function digestOf(bytes: Uint8Array, like: string, registry: string): string {
  const algorithm = like.slice(0, like.indexOf(':'));
  const nodeName = ALGORITHMS[algorithm];
  if (nodeName === undefined)
    throw new RegistryError({ code: 'UNSUPPORTED', registry, message: `the digest algorithm "${algorithm}" is not supported`, temporary: false });
  return `${algorithm}:${createHash(nodeName).update(bytes).digest('hex')}`;
}

export function verifyDigest(bytes: Uint8Array, expected: string, registry: string, what: string): void {
  const actual = digestOf(bytes, expected, registry);
  if (actual !== expected) {
    throw new RegistryError({
      code: 'DIGEST_MISMATCH',
      registry,
      message: `${what} should have digest ${expected} but its bytes hash to ${actual}`,
      temporary: false,
    });
  }
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function asSize(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Parses verified manifest bytes; `contentType` is the response's Content-Type, used when the body names no media type. */
export function parseManifest(bytes: Uint8Array, digest: string, contentType: string | undefined, registry: string): ParsedManifest {
  const invalid = (why: string): RegistryError =>
    new RegistryError({ code: 'INVALID_RESPONSE', registry, message: `the manifest ${digest} ${why}`, temporary: false });
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw invalid('is not JSON');
  }
  if (!isRecord(body)) throw invalid('is not a JSON object');
  if (body.schemaVersion === 1) {
    throw new RegistryError({
      code: 'UNSUPPORTED',
      registry,
      message: `the manifest ${digest} is Docker schema 1, which is deprecated and not supported`,
      temporary: false,
    });
  }
  const headerType = contentType?.split(';')[0].trim();
  const mediaType =
    asString(body.mediaType) ??
    (headerType !== undefined && headerType !== 'application/json' ? headerType : undefined) ??
    (Array.isArray(body.manifests) ? OCI_INDEX : OCI_MANIFEST);
  if (mediaType === OCI_INDEX || mediaType === DOCKER_LIST || Array.isArray(body.manifests)) {
    const entries = Array.isArray(body.manifests) ? body.manifests : [];
    if (entries.length > MAX_INDEX_ENTRIES) throw tooLarge(registry, `${MAX_INDEX_ENTRIES} entries`, `the index ${digest}`);
    const platforms: PlatformInfo[] = [];
    const attestations: AttestationInfo[] = [];
    for (const [position, value] of entries.entries()) {
      const entry = record(value);
      const childDigest = requireDigest(entry.digest, registry, `entry ${position + 1} of the index ${digest}`);
      const annotations = record(entry.annotations);
      if (annotations['vnd.docker.reference.type'] === 'attestation-manifest') {
        // BuildKit's attestation storage: the entry describes the image named by vnd.docker.reference.digest.
        const subject = annotations['vnd.docker.reference.digest'];
        if (isValidDigest(subject)) attestations.push({ digest: childDigest, size: asSize(entry.size), subject });
        continue;
      }
      const platform = record(entry.platform);
      const variant = asString(platform.variant);
      const osVersion = asString(platform['os.version']);
      platforms.push({
        os: asString(platform.os) ?? 'unknown',
        architecture: asString(platform.architecture) ?? 'unknown',
        ...(variant === undefined ? {} : { variant }),
        ...(osVersion === undefined ? {} : { osVersion }),
        digest: childDigest,
        size: asSize(entry.size),
      });
    }
    return { kind: 'index', digest, mediaType, size: bytes.length, platforms, attestations };
  }
  const config = body.config;
  if (!isRecord(config)) throw invalid(`(${mediaType}) has no config descriptor`);
  const configDigest = requireDigest(config.digest, registry, `the config descriptor of manifest ${digest}`);
  const layers = Array.isArray(body.layers) ? body.layers : [];
  const totalSize = layers.reduce<number>((sum, layer) => sum + asSize(record(layer).size), 0);
  return {
    kind: 'image',
    digest,
    mediaType,
    size: bytes.length,
    config: { mediaType: asString(config.mediaType) ?? '', digest: configDigest, size: asSize(config.size) },
    totalSize,
  };
}

/** Reads created, labels and platform from image config bytes; fields that are missing or malformed are left out. */
export function parseImageConfig(bytes: Uint8Array): ImageConfigFacts {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return {};
  }
  if (!isRecord(body)) return {};
  const labels: Record<string, string> = {};
  const rawLabels = record(body.config).Labels;
  for (const [key, value] of Object.entries(record(rawLabels))) if (typeof value === 'string') labels[key] = value;
  const facts: { -readonly [K in keyof ImageConfigFacts]: ImageConfigFacts[K] } = {};
  if (asString(body.created) !== undefined) facts.created = asString(body.created);
  if (isRecord(rawLabels)) facts.labels = labels;
  if (asString(body.os) !== undefined) facts.os = asString(body.os);
  if (asString(body.architecture) !== undefined) facts.architecture = asString(body.architecture);
  if (asString(body.variant) !== undefined) facts.variant = asString(body.variant);
  return facts;
}

export function isImageConfig(mediaType: string): boolean {
  return IMAGE_CONFIG_TYPES.has(mediaType);
}

function describe(repository: RepositoryName, reference: string): string {
  return `manifest ${repository.registry}/${repository.path}${isDigest(reference) ? '@' : ':'}${reference}`;
}

/** The request for a manifest by tag or digest, with every manifest media type in Accept. */
function manifestRequest(repository: RepositoryName, reference: string, method: 'GET' | 'HEAD', maxBodyBytes: number, signal?: AbortSignal): RegistryRequest {
  const { registry, path } = repository;
  const what = describe(repository, reference);
  return {
    registry,
    repository: path,
    method,
    target: `/v2/${path}/manifests/${reference}`,
    accept: MANIFEST_ACCEPT,
    signal,
    maxBodyBytes,
    what,
    notFound: 'MANIFEST_UNKNOWN',
  };
}

/** The digest the registry announces in Docker-Content-Digest, checked to be a digest; undefined when absent. */
function announcedDigest(response: HttpResponse, registry: string, what: string): string | undefined {
  const value = header(response, 'docker-content-digest');
  return value === undefined ? undefined : requireDigest(value, registry, `Docker-Content-Digest for ${what}`);
}

/**
 * HEAD a manifest: the digest the registry announces (if it does), its media type and size. `anonymous` asks
 * without any credentials, as a node without pull secrets would.
 */
export async function headManifest(
  transport: Transport,
  repository: RepositoryName,
  reference: string,
  signal?: AbortSignal,
  anonymous = false,
): Promise<{ digest?: string; mediaType?: string; size?: number }> {
  const response = await transport.request({ ...manifestRequest(repository, reference, 'HEAD', 0, signal), anonymous });
  const length = Number(header(response, 'content-length'));
  return {
    digest: announcedDigest(response, repository.registry, describe(repository, reference)),
    mediaType: header(response, 'content-type')?.split(';')[0].trim(),
    size: Number.isFinite(length) ? length : undefined,
  };
}

/** Manifest bytes whose digest was verified, with the response's Content-Type. */
export interface ManifestBytes {
  readonly bytes: Uint8Array;
  readonly digest: string;
  readonly contentType: string | undefined;
}

/** GETs a manifest's bytes. By digest, the bytes must hash to it; by tag, to the announced digest if any. */
export async function fetchManifestBytes(transport: Transport, repository: RepositoryName, reference: string, signal?: AbortSignal): Promise<ManifestBytes> {
  const what = describe(repository, reference);
  const response = await transport.request(manifestRequest(repository, reference, 'GET', MAX_MANIFEST_BYTES, signal));
  const announced = announcedDigest(response, repository.registry, what);
  const expected = isDigest(reference) ? reference : announced;
  if (expected !== undefined) verifyDigest(response.body, expected, repository.registry, what);
  if (announced !== undefined && expected !== undefined && announced !== expected) verifyDigest(response.body, announced, repository.registry, what);
  const digest = expected ?? digestOf(response.body, 'sha256:', repository.registry);
  return { bytes: response.body, digest, contentType: header(response, 'content-type') };
}

/** GETs, verifies and parses a manifest. */
export async function fetchManifest(transport: Transport, repository: RepositoryName, reference: string, signal?: AbortSignal): Promise<ParsedManifest> {
  const { bytes, digest, contentType } = await fetchManifestBytes(transport, repository, reference, signal);
  return parseManifest(bytes, digest, contentType, repository.registry);
}

/** GETs a blob of at most `maxBytes` and checks it against its digest (following a redirect to storage, without credentials). */
export async function fetchBlob(
  transport: Transport,
  repository: RepositoryName,
  blob: { readonly digest: string; readonly maxBytes: number; readonly what: string },
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const response = await transport.request({
    registry: repository.registry,
    repository: repository.path,
    method: 'GET',
    target: `/v2/${repository.path}/blobs/${blob.digest}`,
    signal,
    maxBodyBytes: blob.maxBytes,
    what: blob.what,
    notFound: 'BLOB_UNKNOWN',
  });
  verifyDigest(response.body, blob.digest, repository.registry, blob.what);
  return response.body;
}

/** GETs and verifies an image config blob. */
export async function fetchImageConfig(transport: Transport, repository: RepositoryName, config: Descriptor, signal?: AbortSignal): Promise<ImageConfigFacts> {
  const what = `config blob ${config.digest} of ${repository.registry}/${repository.path}`;
  return parseImageConfig(await fetchBlob(transport, repository, { digest: config.digest, maxBytes: MAX_CONFIG_BYTES, what }, signal));
}
