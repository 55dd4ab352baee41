/**
 * The signed payloads of signatures, read so that a verifier can check them:
 * - cosign's keyed and legacy keyless signatures (sigstore/cosign specs/SIGNATURE_SPEC.md): a simple-signing layer
 *   (`application/vnd.dev.cosign.simplesigning.v1+json`) is the payload blob itself, and its
 *   `dev.cosignproject.cosign/signature` annotation signs exactly those bytes. They are found in cosign's `.sig` tag
 *   manifests and in OCI 1.1 artifacts of type `application/vnd.dev.cosign.artifact.sig.v1+json`.
 * - Sigstore bundles (sigstore/cosign specs/BUNDLE_SPEC.md): an OCI 1.1 artifact of type
 *   `application/vnd.dev.sigstore.bundle.v0.3+json` whose layer of that type is the bundle JSON; read only when its
 *   annotations say it signs (`dev.sigstore.bundle.content: message-signature`, or the predicate
 *   `https://sigstore.dev/cosign/sign/v1`), not for every attestation.
 * A referrers listing only describes OCI 1.1 artifacts: their manifests are read here, by digest.
 * Bounded: MAX_SIGNED_MANIFESTS manifests, MAX_PAYLOADS layers each, MAX_PAYLOAD_BYTES per simple-signing blob and
 * MAX_BUNDLE_BYTES per bundle, each checked against its digest; a payload that cannot be read is left out with a
 * note, so the signature stays unverified.
 */
import { isRegistryError } from './errors';
import { fetchBlob } from './manifest';
import { readReferrerManifest, toReferrer } from './referrers';
import type { Transport } from './transport';
import type { ReferrerInfo, ReferrerLayer, RepositoryName } from './types';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const SIGSTORE_BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const COSIGN_SIGNATURE_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** A simple-signing payload is a few hundred bytes; cosign's own verifier reads no more than this. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** A signature bundle (a certificate, a Rekor entry, a statement with an empty predicate) is a few KiB. */
export const MAX_BUNDLE_BYTES = 256 * 1024;
/** Signature layers read per manifest (cosign appends one per `cosign sign`). */
export const MAX_PAYLOADS = 8;
/** Signature manifests read per subject. */
export const MAX_SIGNED_MANIFESTS = 8;

function baseType(mediaType: string | undefined): string {
  return (mediaType ?? '').split(';')[0].trim().toLowerCase();
}

function isSignatureBundle(referrer: ReferrerInfo): boolean {
  const annotations = referrer.annotations ?? {};
  if (baseType(referrer.artifactType) !== SIGSTORE_BUNDLE) return false;
  return annotations['dev.sigstore.bundle.content'] === 'message-signature' || annotations['dev.sigstore.bundle.predicateType'] === COSIGN_SIGN_PREDICATE;
}

function isSignatureManifest(referrer: ReferrerInfo): boolean {
  if (baseType(referrer.artifactType) === COSIGN_SIGNATURE_ARTIFACT || isSignatureBundle(referrer)) return true;
  return (referrer.layers ?? []).some((layer) => baseType(layer.mediaType) === SIMPLE_SIGNING);
}

/** The most bytes a signed layer of this type may have; 0 for a layer that is not signed. */
function signedLayerBound(layer: ReferrerLayer): number {
  const type = baseType(layer.mediaType);
  return type === SIMPLE_SIGNING ? MAX_PAYLOAD_BYTES : type === SIGSTORE_BUNDLE ? MAX_BUNDLE_BYTES : 0;
}

/** Where payloads are read from: a repository through the client's transport. */
interface PayloadSource {
  readonly transport: Transport;
  readonly repository: RepositoryName;
  readonly signal: AbortSignal | undefined;
}

async function readPayload({ transport, repository, signal }: PayloadSource, layer: ReferrerLayer): Promise<string> {
  const what = `the signature payload ${layer.digest} in ${repository.registry}/${repository.path}`;
  const bytes = await fetchBlob(transport, repository, { digest: layer.digest, maxBytes: signedLayerBound(layer), what }, signal);
  return Buffer.from(bytes).toString('base64');
}

function unreadable(error: unknown, what: string): string {
  if (isRegistryError(error) && ['INVALID_RESPONSE', 'DIGEST_MISMATCH', 'TOO_LARGE', 'BLOB_UNKNOWN', 'MANIFEST_UNKNOWN'].includes(error.code))
    return `${what} could not be read (${error.message}), so it is not verified.`;
  if (isRegistryError(error) && error.status === 404) return `${what} is missing, so it is not verified.`;
  throw error;
}

/** The referrer with its manifest's layers (read when a listing only described it) and its signature payloads. */
async function withPayloads(source: PayloadSource, referrer: ReferrerInfo, notes: string[]): Promise<ReferrerInfo> {
  const { transport, repository, signal } = source;
  let layers = referrer.layers;
  let read = referrer;
  if (layers === undefined) {
    try {
      const manifest = await readReferrerManifest(transport, repository, referrer.digest, signal);
      if (manifest === undefined) return referrer;
      read = { ...toReferrer(manifest, referrer.subject, referrer.source, repository, referrer.tag), annotations: referrer.annotations };
      layers = manifest.layers;
    } catch (error) {
      notes.push(unreadable(error, `The signature manifest ${repository.registry}/${repository.path}@${referrer.digest}`));
      return referrer;
    }
  }
  const signed = layers.filter((layer) => signedLayerBound(layer) > 0);
  if (signed.length > MAX_PAYLOADS) notes.push(`Only the first ${MAX_PAYLOADS} of ${signed.length} signatures of ${referrer.digest} are verified.`);
  const wanted = new Set(signed.slice(0, MAX_PAYLOADS));
  const withPayload = await Promise.all(
    layers.map(async (layer) => {
      if (!wanted.has(layer)) return layer;
      try {
        return { ...layer, payload: await readPayload(source, layer) };
      } catch (error) {
        notes.push(unreadable(error, `The signature payload ${layer.digest}`));
        return layer;
      }
    }),
  );
  return { ...read, layers: withPayload };
}

/** The referrers with the payloads of their cosign signatures (at most MAX_SIGNED_MANIFESTS manifests) read. */
export async function readSignaturePayloads(
  source: PayloadSource,
  referrers: readonly ReferrerInfo[],
): Promise<{ referrers: ReferrerInfo[]; notes: string[] }> {
  const notes: string[] = [];
  const signatures = referrers.filter(isSignatureManifest);
  if (signatures.length > MAX_SIGNED_MANIFESTS) notes.push(`Only the first ${MAX_SIGNED_MANIFESTS} of ${signatures.length} signature manifests are verified.`);
  const chosen = new Set(signatures.slice(0, MAX_SIGNED_MANIFESTS));
  const result = await Promise.all(referrers.map((referrer) => (chosen.has(referrer) ? withPayloads(source, referrer, notes) : Promise.resolve(referrer))));
  return { referrers: result, notes };
}
