/**
 * Builds image content in memory, in both formats distribution 2.8 stores: OCI and Docker schema 2.
 * Nothing here talks to a registry (./seed.ts pushes what this builds), so the byte layout is easy
 * to check on its own.
 * Layers are real gzipped tar archives holding one small random file, so every build has new
 * digests and the config's `rootfs.diff_ids` are the true digests of the uncompressed tars.
 * Docker manifests are indented with three spaces, as the Docker daemon writes them, and OCI ones
 * are compact: a client that re-serializes a manifest instead of hashing its bytes gets a wrong digest.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { MEDIA_TYPES } from './http';

export type ImageFormat = 'oci' | 'docker';

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
}

/** A piece of content addressed by its digest: a layer, a config or a manifest. */
export interface Blob {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly bytes: Buffer;
}

export interface ImageSpec {
  readonly format?: ImageFormat;
  /** `linux/amd64` by default; a string like `linux/arm/v7` is accepted too. */
  readonly platform?: Platform | string;
  /** Extra `config.Labels`, merged over the default org.opencontainers.image.* labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The config's `created` time (RFC 3339), `2024-05-01T12:00:00Z` by default so tests can assert it. */
  readonly created?: string;
  /** How many layers, 1 by default. */
  readonly layers?: number;
  /** OCI manifest `annotations` (OCI format only). */
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface BuiltImage {
  readonly manifest: Blob;
  readonly config: Blob;
  readonly layers: readonly Blob[];
  readonly platform: Platform;
}

const MEDIA = {
  oci: {
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
    manifest: MEDIA_TYPES.ociManifest,
    index: MEDIA_TYPES.ociIndex,
  },
  docker: {
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    manifest: MEDIA_TYPES.dockerManifest,
    index: MEDIA_TYPES.dockerManifestList,
  },
} as const;

export const DEFAULT_CREATED = '2024-05-01T12:00:00Z';

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function blobOf(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length, bytes };
}

/** Accepts `{os, architecture, variant}` or `os/architecture[/variant]`. */
export function parsePlatform(platform: Platform | string): Platform {
  if (typeof platform !== 'string') return platform;
  const [os, architecture, variant] = platform.split('/');
  if (!os || !architecture) throw new Error(`platform ${JSON.stringify(platform)} is not os/architecture[/variant]`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** A ustar archive with one regular file; the 512-byte header layout is POSIX.1-1988. */
function tarWithOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => void header.write(value, offset, length, 'ascii');
  const octal = (value: number, length: number): string => value.toString(8).padStart(length - 1, '0') + '\0';
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(content.length, 12));
  field(136, 12, octal(Math.floor(Date.parse(DEFAULT_CREATED) / 1000), 12));
  field(156, 1, '0');
  field(257, 8, 'ustar\u000000');
  // The checksum is computed with its own field read as eight spaces.
  field(148, 8, '        ');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, checksum.toString(8).padStart(6, '0') + '\0 ');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

function randomLayer(format: ImageFormat): { blob: Blob; diffId: string } {
  const id = randomBytes(8).toString('hex');
  const tar = tarWithOneFile(`image-aware/${id}.txt`, Buffer.from(`layer ${id}\n${randomBytes(64).toString('base64')}\n`));
  return { blob: blobOf(MEDIA[format].layer, gzipSync(tar)), diffId: sha256Digest(tar) };
}

function descriptor(blob: Blob): { mediaType: string; digest: string; size: number } {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

function serialize(format: ImageFormat, value: unknown): Buffer {
  return Buffer.from(format === 'docker' ? JSON.stringify(value, null, 3) : JSON.stringify(value));
}

/** A single-platform image: random layers, a config with real metadata, and its manifest. */
export function buildImage(repo: string, tag: string, spec: ImageSpec = {}): BuiltImage {
  const format = spec.format ?? 'oci';
  const platform = parsePlatform(spec.platform ?? 'linux/amd64');
  const created = spec.created ?? DEFAULT_CREATED;
  const layers = Array.from({ length: spec.layers ?? 1 }, () => randomLayer(format));
  const labels = {
    'org.opencontainers.image.title': repo.split('/').pop() ?? repo,
    'org.opencontainers.image.version': tag,
    'org.opencontainers.image.created': created,
    'org.opencontainers.image.revision': randomBytes(20).toString('hex'),
    'org.opencontainers.image.source': `https://example.invalid/${repo}`,
    ...spec.labels,
  };
  const config = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['/bin/sh'], Labels: labels },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    history: layers.map(() => ({ created, created_by: 'image-aware test seed' })),
  };
  const configBlob = blobOf(MEDIA[format].config, Buffer.from(JSON.stringify(config)));
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA[format].manifest,
    config: descriptor(configBlob),
    layers: layers.map((l) => descriptor(l.blob)),
    ...(format === 'oci' && spec.annotations ? { annotations: spec.annotations } : {}),
  };
  return {
    manifest: blobOf(MEDIA[format].manifest, serialize(format, manifest)),
    config: configBlob,
    layers: layers.map((l) => l.blob),
    platform,
  };
}

/**
 * A BuildKit-style attestation manifest for child: platform `unknown/unknown`, two in-toto layers (an SPDX SBOM
 * and a SLSA v0.2 provenance, as `docker buildx build --sbom --provenance` writes them).
 * Indexes pushed by `docker buildx` carry these, and clients must not offer them as platforms.
 */
export function buildAttestation(child: Blob): { image: BuiltImage; annotations: Record<string, string> } {
  const statement = (predicateType: string): Blob =>
    blobOf(
      'application/vnd.in-toto+json',
      Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v0.1', predicateType, subject: [{ digest: { sha256: child.digest.slice(7) } }] })),
    );
  const sbom = statement('https://spdx.dev/Document');
  const provenance = statement('https://slsa.dev/provenance/v0.2');
  const config = blobOf(
    MEDIA.oci.config,
    Buffer.from(JSON.stringify({ architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [sbom.digest, provenance.digest] } })),
  );
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.oci.manifest,
    config: descriptor(config),
    layers: [
      { ...descriptor(sbom), annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } },
      { ...descriptor(provenance), annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } },
    ],
  };
  return {
    image: {
      manifest: blobOf(MEDIA.oci.manifest, serialize('oci', manifest)),
      config,
      layers: [sbom, provenance],
      platform: { os: 'unknown', architecture: 'unknown' },
    },
    annotations: { 'vnd.docker.reference.digest': child.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
  };
}

/** An OCI image index or a Docker manifest list over already built children. */
export function buildIndex(format: ImageFormat, children: ReadonlyArray<{ manifest: Blob; platform: Platform; annotations?: Record<string, string> }>): Blob {
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA[format].index,
    manifests: children.map((child) => ({
      ...descriptor(child.manifest),
      platform: child.platform,
      ...(child.annotations ? { annotations: child.annotations } : {}),
    })),
  };
  return blobOf(MEDIA[format].index, serialize(format, index));
}
