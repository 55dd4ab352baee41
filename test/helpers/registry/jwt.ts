/**
 * RS256 JSON Web Tokens in the shape distribution 2.8 verifies (registry/auth/token/token.go).
 * The registry finds the verification key from the JWT header in one of two ways, and both are
 * offered so tests can cover what real token services send:
 * - `x5c`: the signing certificate (standard base64 DER), which must chain to `rootcertbundle`;
 * - `kid`: the libtrust key id of a public key in `rootcertbundle`.
 * Claims the registry checks: `iss` equals the configured issuer, `aud` is a plain string equal to
 * the service, `nbf`/`exp` bound the current time (with 60 s leeway), and `access` lists the grants.
 */
import { createHash, createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';

export type KeyHeader = 'x5c' | 'kid';

/** One entry of the `access` claim, for example `{type: 'repository', name: 'library/busybox', actions: ['pull']}`. */
export interface AccessEntry {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

export interface TokenClaims {
  readonly issuer: string;
  readonly audience: string;
  /** The account the token was issued to; empty for anonymous tokens, as Docker Hub does. */
  readonly subject: string;
  readonly access: readonly AccessEntry[];
  /**
   * Lifetime in seconds. The registry allows 60 s of leeway on `exp`, so a token it must already
   * reject as expired needs a value below -60 (use -120).
   */
  readonly expiresIn: number;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, which is what libtrust's keyIDEncode uses before grouping. */
function base32(data: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The libtrust key id of the certificate's public key: the first 30 bytes of the SHA-256 of the
 * DER SubjectPublicKeyInfo, in base32, as 12 groups of 4 characters joined by colons.
 */
export function libtrustKeyId(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const encoded = base32(createHash('sha256').update(spki).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)!.join(':');
}

/** Signs a registry token with the RSA key, naming the key in the header the chosen way. */
export function signRegistryToken(claims: TokenClaims, keyPem: string, certPem: string, keyHeader: KeyHeader): string {
  const header: Record<string, unknown> = { typ: 'JWT', alg: 'RS256' };
  if (keyHeader === 'x5c') header.x5c = [new X509Certificate(certPem).raw.toString('base64')];
  else header.kid = libtrustKeyId(certPem);
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: claims.issuer,
    sub: claims.subject,
    aud: claims.audience,
    exp: now + claims.expiresIn,
    // nbf and iat sit slightly in the past, as real token services do, to absorb clock skew.
    nbf: now - 5,
    iat: now - 5,
    jti: randomBytes(12).toString('hex'),
    access: claims.access,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), createPrivateKey(keyPem));
  return `${signingInput}.${base64url(signature)}`;
}

/** Decodes a JWT's header and payload without verifying it, for assertions in tests. */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}
