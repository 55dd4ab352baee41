/**
 * The trusted root of Sigstore's public-good instance (Fulcio, Rekor, the CT log, the timestamp authority), as the
 * Sigstore project ships it offline: the `trusted_root.json` target of the TUF repository seed in @sigstore/tuf
 * (`seeds.json`, the copy sigstore-js starts from before it asks https://tuf-repo-cdn.sigstore.dev). It is bundled
 * as of that package's version and never refreshed here: once Sigstore adds a key or a CA, signatures made with the
 * new one fail to verify until the extension updates @sigstore/tuf or the user names a current root
 * (`imageAware.signatures.trustedRoot`).
 */
import seeds from '@sigstore/tuf/seeds.json';

const PUBLIC_GOOD_TUF = 'https://tuf-repo-cdn.sigstore.dev';

/** The public-good `trusted_root.json` (its text), as the @sigstore/tuf seed carries it base64. */
export function publicGoodTrustedRoot(): string {
  const seed = (seeds as Record<string, { targets?: Record<string, string> }>)[PUBLIC_GOOD_TUF];
  const encoded = seed?.targets?.['trusted_root.json'];
  if (encoded === undefined) throw new Error(`@sigstore/tuf carries no trusted_root.json for ${PUBLIC_GOOD_TUF}`);
  return Buffer.from(encoded, 'base64').toString('utf8');
}
