/** The signed layers of a signature manifest, and one verification for the manifest from those of its layers. */
import type { ReferrerFact, ReferrerLayerFact, SignatureVerification } from '../core';

/** A Sigstore bundle layer: the bundle JSON (sigstore/cosign specs/BUNDLE_SPEC.md). */
export const SIGSTORE_BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** The layers of `mediaType` (parameters and case aside). */
export function layersOfType(referrer: ReferrerFact, mediaType: string): ReferrerLayerFact[] {
  return (referrer.layers ?? []).filter((layer) => layer.mediaType.split(';')[0].trim().toLowerCase() === mediaType);
}

/** Verified by one layer; else invalid by the first that fails; else unverified as the first says. */
export function combineLayers(results: readonly SignatureVerification[]): SignatureVerification {
  return results.find((result) => result.status === 'verified') ?? results.find((result) => result.status === 'invalid') ?? results[0];
}
