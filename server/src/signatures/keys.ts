/**
 * The public keys a user trusts, as `cosign generate-key-pair` and `cosign public-key` write them: PEM
 * `PUBLIC KEY` (SubjectPublicKeyInfo) of ECDSA P-256, Ed25519 or RSA (2048 bits or more), the schemes
 * cosign verifies keyed signatures with (sigstore/cosign specs/SIGNATURE_SPEC.md, "Signature Schemes";
 * sigstore/sigstore pkg/signature LoadVerifier: ECDSA and RSA PKCS#1 v1.5 over SHA-256, Ed25519 over the message).
 * A key is the PEM text itself or the path of a file holding it (read bounded, relative to `baseDir`).
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { TrustedKey } from '../core';
import { readTrustFile } from './trustFile';

/** A PEM public key is under a kilobyte (RSA 4096: 800 bytes); a file past this holds something else. */
export const MAX_KEY_FILE_BYTES = 16 * 1024;
const MIN_RSA_BITS = 2048;

export type LoadedKey = { readonly name: string; readonly key: KeyObject } | { readonly name: string; readonly problem: string };

function pemOf(trusted: TrustedKey, baseDir: string): string {
  return trusted.key.includes('-----BEGIN') ? trusted.key : readTrustFile(trusted.key, baseDir, MAX_KEY_FILE_BYTES, 'a public key');
}

/** Why a key cannot verify cosign signatures, or null when it can. */
function unsupported(key: KeyObject): string | null {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec')
    return details.namedCurve === 'prime256v1' ? null : `an ECDSA key on ${details.namedCurve ?? 'an unknown curve'}, not P-256`;
  if (key.asymmetricKeyType === 'ed25519') return null;
  if (key.asymmetricKeyType === 'rsa') return (details.modulusLength ?? 0) >= MIN_RSA_BITS ? null : `an RSA key of fewer than ${MIN_RSA_BITS} bits`;
  return `a ${key.asymmetricKeyType ?? 'secret'} key, not ECDSA P-256, Ed25519 or RSA`;
}

/** Each trusted key read and parsed; a key that cannot be used keeps its name and one sentence saying why. */
export function loadKeys(trusted: readonly TrustedKey[], baseDir: string): LoadedKey[] {
  return trusted.map((entry) => {
    try {
      const pem = pemOf(entry, baseDir);
      if (!/-----BEGIN PUBLIC KEY-----/.test(pem)) return { name: entry.name, problem: `the key ${entry.name} is no PEM public key` };
      const key = createPublicKey({ key: pem, format: 'pem' });
      const problem = unsupported(key);
      return problem === null ? { name: entry.name, key } : { name: entry.name, problem: `the key ${entry.name} is ${problem}` };
    } catch (error) {
      return { name: entry.name, problem: `the key ${entry.name} could not be read: ${(error as Error).message.split('\n')[0]}` };
    }
  });
}
