/**
 * The signature verifier the front ends hand the engine: for an image's repository, the keys of the most specific
 * `imageAware.signatures.keys` pattern (loaded once per pattern) and the signers of the most specific
 * `imageAware.signatures.identities` pattern (with the trusted root, loaded once, on the first Sigstore bundle),
 * applied to each signature found.
 * A repository neither names gets no verification (undefined): nothing says what to trust there.
 */
import { matchingPatterns } from '../core';
import type { ReferrerFact, SignatureSettings, SignatureVerification, TrustedKey, VerifySignature } from '../core';
import { SIMPLE_SIGNING, verifyCosignKeyed } from './cosignKeyed';
import { loadKeys } from './keys';
import type { LoadedKey } from './keys';
import type * as Keyless from './keyless';
import { layersOfType, SIGSTORE_BUNDLE } from './layers';
import type { LoadedTrust } from './trustedRoot';

/** Whether the settings trust any key or keyless signer: without one, no verifier is needed. */
export function trustsSigners(settings: Pick<SignatureSettings, 'keys' | 'identities'>): boolean {
  return Object.keys(settings.keys).length > 0 || Object.keys(settings.identities).length > 0;
}

let keylessModule: typeof Keyless | undefined;

/** The keyless verifier, loaded on first use (keyless.ts says why). */
function keyless(): typeof Keyless {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, synchronously: the engine's verifier is synchronous.
  keylessModule ??= require('./keyless') as typeof Keyless;
  return keylessModule;
}

/** What a signature nothing verified is, and why. */
function notVerified(referrer: ReferrerFact, keyed: boolean, signers: boolean): SignatureVerification {
  if (!keyed && layersOfType(referrer, SIMPLE_SIGNING).length > 0) return { status: 'unverified', reason: 'no key is trusted for this repository' };
  if (!signers && layersOfType(referrer, SIGSTORE_BUNDLE).length > 0)
    return { status: 'unverified', reason: 'no keyless signer is trusted for this repository' };
  return { status: 'unverified', reason: 'only cosign signatures and Sigstore bundles are verified' };
}

/** A verifier over the settings' keys and signers; key and trusted root files are read relative to `baseDir` (the workspace, the working directory). */
export function createSignatureVerifier(settings: Pick<SignatureSettings, 'keys' | 'identities' | 'trustedRoot'>, baseDir: string): VerifySignature {
  const loaded = new Map<readonly TrustedKey[], LoadedKey[]>();
  let trust: LoadedTrust | undefined;
  const keysFor = (trusted: readonly TrustedKey[]): LoadedKey[] => {
    const keys = loaded.get(trusted) ?? loadKeys(trusted, baseDir);
    loaded.set(trusted, keys);
    return keys;
  };
  return (referrer, image) => {
    const [trustedKeys] = matchingPatterns(settings.keys, image);
    const [identities] = matchingPatterns(settings.identities, image);
    if ((trustedKeys === undefined && identities === undefined) || !referrer.contents.some((content) => content.kind === 'signature')) return undefined;
    const keyed = trustedKeys === undefined ? undefined : verifyCosignKeyed(referrer, keysFor(trustedKeys));
    if (keyed !== undefined) return keyed;
    if (identities !== undefined && layersOfType(referrer, SIGSTORE_BUNDLE).length > 0) {
      trust ??= keyless().loadTrustedRoot(settings.trustedRoot, baseDir);
      const verified = keyless().verifySigstoreBundle(referrer, trust, identities);
      if (verified !== undefined) return verified;
    }
    return notVerified(referrer, trustedKeys !== undefined, identities !== undefined);
  };
}
