/**
 * The Sigstore trusted root keyless signatures chain to: a `trusted_root.json` (sigstore/protobuf-specs TrustedRoot,
 * as Sigstore's TUF repository serves it and `cosign trusted-root create` writes it) holding the Fulcio CAs, the
 * Rekor and CT log keys and the timestamp authorities. The file the user names (`imageAware.signatures.trustedRoot`,
 * `signatures.trustedRoot` in `.image-aware.yaml`), read bounded; without one, the public-good root the extension
 * ships (publicGoodRoot.ts). A root that names no certificate authority cannot verify a keyless signature.
 */
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import type { TrustMaterial } from '@sigstore/verify';
import { publicGoodTrustedRoot } from './publicGoodRoot';
import { readTrustFile } from './trustFile';

/** Sigstore's public-good root is about 7 KiB; a file past this holds something else. */
export const MAX_TRUSTED_ROOT_BYTES = 256 * 1024;

export type LoadedTrust = { readonly trust: TrustMaterial } | { readonly problem: string };

/**
 * The trust material of the trusted root at `path` (relative to `baseDir`; null: Sigstore's public-good root), or one
 * sentence saying why there is none.
 */
export function loadTrustedRoot(path: string | null, baseDir: string): LoadedTrust {
  const name = path === null ? "Sigstore's public-good trusted root" : `the trusted root ${path}`;
  try {
    const text = path === null ? publicGoodTrustedRoot() : readTrustFile(path, baseDir, MAX_TRUSTED_ROOT_BYTES, 'a Sigstore trusted root');
    const root = TrustedRoot.fromJSON(JSON.parse(text));
    if (root.certificateAuthorities.length === 0) return { problem: `${name} names no certificate authority` };
    return { trust: toTrustMaterial(root) };
  } catch (error) {
    return { problem: `${name} could not be read: ${(error as Error).message.split('\n')[0]}` };
  }
}
