/**
 * Pushes what supply-chain tools attach to images, built here byte for byte after each format's specification,
 * so the referrers tests read the layouts those tools write (the cosign signatures verify, the rest is structure):
 * - `pushArtifact`: an OCI 1.1 artifact manifest (`artifactType`, the empty config, `subject`), as `oras attach`,
 *   `notation sign` and `cosign` (bundle format, OCI 1.1 mode) push them (opencontainers/image-spec manifest.md,
 *   "Guidelines for Artifact Usage").
 * - `putReferrersTag`: the referrers tag schema's index `<alg>-<hex>`, which those tools keep up to date on a
 *   registry without the referrers API (distribution-spec spec.md, "Referrers Tag Schema").
 * - `pushCosignTag`: cosign's own `sha256-<hex>.sig` / `.att` / `.sbom` manifests (sigstore/cosign specs/SIGNATURE_SPEC.md).
 * - Layer builders: a cosign simple-signing payload signed with a key made in the test (ECDSA P-256, Ed25519 or RSA), a DSSE
 *   envelope of an in-toto statement, a Sigstore bundle v0.3, a Notation JWS envelope, SPDX and CycloneDX
 *   documents and a SARIF report.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { blobOf, type Blob } from './images';
import { MEDIA_TYPES } from './http';
import { putManifest, uploadBlob, type PushResult } from './seed';
import { RegistrySession, type RegistryTarget } from './session';

export const EMPTY_CONFIG = blobOf('application/vnd.oci.empty.v1+json', Buffer.from('{}'));
export const TYPES = {
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  cosignSignature: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  sigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  notation: 'application/vnd.cncf.notary.signature',
  jws: 'application/jose+json',
  dsse: 'application/vnd.dsse.envelope.v1+json',
  inToto: 'application/vnd.in-toto+json',
  spdx: 'application/spdx+json',
  cyclonedx: 'application/vnd.cyclonedx+json',
  sarif: 'application/sarif+json',
} as const;

/** What an artifact refers to: a manifest already in the repository. */
export interface Subject {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface Layer {
  readonly blob: Blob;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface PushedArtifact extends PushResult {
  readonly artifactType: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** The manifest bytes as pushed. */
  readonly manifest: Buffer;
}

function descriptor(blob: Blob, annotations?: Readonly<Record<string, string>>): Record<string, unknown> {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size, ...(annotations ? { annotations } : {}) };
}

/** Pushes an OCI 1.1 artifact referring to subject, by its digest (and under `tag` too, when given). */
export async function pushArtifact(
  target: RegistryTarget,
  repo: string,
  spec: { subject: Subject; artifactType: string; layers: readonly Layer[]; annotations?: Readonly<Record<string, string>>; tag?: string },
): Promise<PushedArtifact> {
  const session = new RegistrySession(target);
  for (const blob of [EMPTY_CONFIG, ...spec.layers.map((layer) => layer.blob)]) await uploadBlob(session, repo, blob);
  const body = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: spec.artifactType,
    config: descriptor(EMPTY_CONFIG),
    layers: spec.layers.map((layer) => descriptor(layer.blob, layer.annotations)),
    subject: { mediaType: spec.subject.mediaType, digest: spec.subject.digest, size: spec.subject.size },
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifest = blobOf(MEDIA_TYPES.ociManifest, Buffer.from(JSON.stringify(body)));
  const result = await putManifest(session, repo, spec.tag ?? manifest.digest, manifest);
  return { ...result, artifactType: spec.artifactType, annotations: spec.annotations ?? {}, manifest: manifest.bytes };
}

/** The referrers tag schema: an index of `artifacts` under `<alg>-<hex>` of subject, as oras and cosign keep it. */
export async function putReferrersTag(target: RegistryTarget, repo: string, subject: string, artifacts: readonly PushedArtifact[]): Promise<PushResult> {
  const index = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: artifacts.map((artifact) => ({
      mediaType: artifact.mediaType,
      digest: artifact.digest,
      size: artifact.size,
      artifactType: artifact.artifactType,
      ...(Object.keys(artifact.annotations).length > 0 ? { annotations: artifact.annotations } : {}),
    })),
  };
  return putManifest(new RegistrySession(target), repo, subject.replace(':', '-'), blobOf(MEDIA_TYPES.ociIndex, Buffer.from(JSON.stringify(index))));
}

/** Puts any manifest bytes under a tag (a hostile fallback tag, for example). */
export async function putManifestBytes(target: RegistryTarget, repo: string, tag: string, mediaType: string, bytes: Buffer): Promise<PushResult> {
  return putManifest(new RegistrySession(target), repo, tag, blobOf(mediaType, bytes));
}

/** cosign's tag for what it attaches to digest. */
export function cosignTag(digest: string, suffix: 'sig' | 'att' | 'sbom'): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}

/** Pushes a cosign tag manifest (an image manifest with a small config and these layers) for subject. */
export async function pushCosignTag(
  target: RegistryTarget,
  repo: string,
  subject: string,
  suffix: 'sig' | 'att' | 'sbom',
  layers: readonly Layer[],
): Promise<PushResult> {
  const session = new RegistrySession(target);
  const config = blobOf(
    'application/vnd.oci.image.config.v1+json',
    Buffer.from(JSON.stringify({ architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.blob.digest) } })),
  );
  for (const blob of [config, ...layers.map((layer) => layer.blob)]) await uploadBlob(session, repo, blob);
  const body = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: descriptor(config),
    layers: layers.map((layer) => descriptor(layer.blob, layer.annotations)),
  };
  return putManifest(session, repo, cosignTag(subject, suffix), blobOf(MEDIA_TYPES.ociManifest, Buffer.from(JSON.stringify(body))));
}

/** An ECDSA P-256 key pair, what `cosign generate-key-pair` makes. */
export function signingKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/** cosign's simple-signing payload for `reference@digest` (SIGNATURE_SPEC.md, "Simple Signing"). */
export function simpleSigningPayload(reference: string, digest: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': reference }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' },
      optional: null,
    }),
  );
}

/**
 * A signature as cosign makes it with this key, base64 (sigstore/sigstore pkg/signature): ECDSA (DER) and RSA
 * PKCS#1 v1.5 over SHA-256, Ed25519 over the payload itself.
 */
export function cosignSignature(payload: Buffer, key: KeyObject): string {
  return sign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', payload, key).toString('base64');
}

/**
 * A cosign simple-signing layer for `reference@digest`: the payload of SIGNATURE_SPEC.md, signed with `key` in
 * `dev.cosignproject.cosign/signature`; `certificatePem` and `rekorTime` (seconds) add the keyless flow's
 * certificate and Rekor bundle annotations.
 */
export function simpleSigningLayer(
  reference: string,
  digest: string,
  key: KeyObject,
  keyless?: { readonly certificatePem: string; readonly rekorTime: number },
): Layer {
  const payload = simpleSigningPayload(reference, digest);
  const annotations: Record<string, string> = { 'dev.cosignproject.cosign/signature': cosignSignature(payload, key) };
  if (keyless) {
    annotations['dev.sigstore.cosign/certificate'] = keyless.certificatePem;
    annotations['dev.sigstore.cosign/bundle'] = JSON.stringify({
      SignedEntryTimestamp: Buffer.from('set').toString('base64'),
      Payload: {
        body: payload.toString('base64'),
        integratedTime: keyless.rekorTime,
        logIndex: 1,
        logID: 'c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d',
      },
    });
  }
  return { blob: blobOf(TYPES.simpleSigning, payload), annotations };
}

/** An in-toto statement about digest with this predicate. */
export function statement(digest: string, predicateType: string, predicate: unknown = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'image', digest: { sha256: digest.slice('sha256:'.length) } }],
      predicateType,
      predicate,
    }),
  );
}

/** A DSSE envelope of an in-toto statement, signed with key: what cosign's `.att` layers hold. */
export function dsseLayer(digest: string, predicateType: string, key: KeyObject): Layer {
  const payload = statement(digest, predicateType);
  const payloadType = 'application/vnd.in-toto+json';
  // DSSE's pre-authentication encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body.
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${payloadType.length} ${payloadType} ${payload.length} `), payload]);
  const envelope = { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: '', sig: sign('sha256', pae, key).toString('base64') }] };
  return { blob: blobOf(TYPES.dsse, Buffer.from(JSON.stringify(envelope))), annotations: { predicateType } };
}

/** A Sigstore bundle v0.3 holding a message signature over digest (structure of protobuf-specs' Bundle). */
export function sigstoreBundleLayer(digest: string, key: KeyObject): Layer {
  const bundle = {
    mediaType: TYPES.sigstoreBundle,
    verificationMaterial: { publicKey: { hint: 'image-aware-test' }, tlogEntries: [] },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: Buffer.from(digest.slice('sha256:'.length), 'hex').toString('base64') },
      signature: sign('sha256', Buffer.from(digest), key).toString('base64'),
    },
  };
  return {
    blob: blobOf(TYPES.sigstoreBundle, Buffer.from(JSON.stringify(bundle))),
    annotations: { 'org.opencontainers.image.title': `${digest.replace(':', '-')}.sigstore.json` },
  };
}

/** A Notation JWS envelope (notaryproject signature-envelope-jws.md: payload, protected header, x5c, signature). */
export function notationLayer(subject: Subject): Layer {
  const payload = Buffer.from(JSON.stringify({ targetArtifact: subject })).toString('base64url');
  const header = Buffer.from(
    JSON.stringify({ alg: 'ES256', cty: 'application/vnd.cncf.notary.payload.v1+json', 'io.cncf.notary.signingScheme': 'notary.x509' }),
  ).toString('base64url');
  const envelope = { payload, protected: header, header: { x5c: [] }, signature: 'c2lnbmF0dXJl' };
  return { blob: blobOf(TYPES.jws, Buffer.from(JSON.stringify(envelope))) };
}

export function spdxLayer(name: string): Layer {
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://example.invalid/${name}`,
    packages: [],
  };
  return { blob: blobOf(TYPES.spdx, Buffer.from(JSON.stringify(document))) };
}

export function cyclonedxLayer(): Layer {
  return { blob: blobOf(TYPES.cyclonedx, Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [] }))) };
}

export function sarifLayer(): Layer {
  return { blob: blobOf(TYPES.sarif, Buffer.from(JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'trivy' } }, results: [] }] }))) };
}
