/**
 * The signature verifier the front ends hand the engine: for an image's repository, the keys of the most
 * specific `imageAware.signatures.keys` pattern (loaded once per pattern), applied to each signature found.
 * A repository no pattern names gets no verification (undefined): nothing says what to trust there.
 */
import { matchingPatterns } from '../core';
import type { SignatureSettings, TrustedKey, VerifySignature } from '../core';
import { verifyCosignKeyed } from './cosignKeyed';
import { loadKeys } from './keys';
import type { LoadedKey } from './keys';

/** A verifier over the settings' keys; key files are read relative to `baseDir` (the workspace, the working directory). */
export function createSignatureVerifier(settings: Pick<SignatureSettings, 'keys'>, baseDir: string): VerifySignature {
  const loaded = new Map<readonly TrustedKey[], LoadedKey[]>();
  return (referrer, image) => {
    const [trusted] = matchingPatterns(settings.keys, image);
    if (trusted === undefined || !referrer.contents.some((content) => content.kind === 'signature')) return undefined;
    let keys = loaded.get(trusted);
    if (keys === undefined) {
      keys = loadKeys(trusted, baseDir);
      loaded.set(trusted, keys);
    }
    return verifyCosignKeyed(referrer, keys) ?? { status: 'unverified', reason: 'only keyed cosign signatures are verified' };
  };
}
