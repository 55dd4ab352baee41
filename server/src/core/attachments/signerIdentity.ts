/**
 * Whether a keyless signer is one the user trusts for an image: the Fulcio certificate's subject (its SAN: a
 * workflow URI, an e-mail) and its OIDC issuer extension both match one trusted identity, as cosign's
 * `--certificate-identity` and `--certificate-oidc-issuer` pair does. Each side is a pattern whose `*` is any run
 * of characters (an exact value without one), matched without a RegExp from user input, in linear time.
 */
import { matchesPattern } from '../manifest/locations';
import type { TrustedIdentity } from '../settings';

/** The trusted identity the signer matches, or undefined. */
export function trustedIdentityOf(identities: readonly TrustedIdentity[], subject: string, issuer: string): TrustedIdentity | undefined {
  return identities.find((identity) => matchesPattern(identity.subject, subject) && matchesPattern(identity.issuer, issuer));
}
