/**
 * Verifies a keyed cosign signature (sigstore/cosign specs/SIGNATURE_SPEC.md): each simple-signing layer of the
 * signature manifest is a payload blob, and its `dev.cosignproject.cosign/signature` annotation is the base64
 * signature over exactly those bytes; the payload must name the digest the signature refers to
 * (`critical.image.docker-manifest-digest`, core/attachments/simpleSigning.ts), or it signs another image.
 * Schemes as cosign's verifier (sigstore/sigstore pkg/signature): ECDSA P-256 with SHA-256 (ASN.1 DER
 * signature), RSA PKCS#1 v1.5 with SHA-256, Ed25519 over the message itself.
 * Bounded: the layers kept per manifest, payloads of at most MAX_PAYLOAD_CHARS, signatures of at most
 * MAX_SIGNATURE_CHARS base64 characters, checked strictly before decoding.
 */
import { constants, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readSimpleSigningPayload } from '../core';
import type { ReferrerFact, ReferrerLayerFact, SignatureVerification } from '../core';
import type { LoadedKey } from './keys';
import { combineLayers, layersOfType } from './layers';

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
/** An RSA-4096 signature is 684 base64 characters; ECDSA and Ed25519 ones far fewer. */
export const MAX_SIGNATURE_CHARS = 2048;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function signatureBytes(text: string | undefined): Buffer | null {
  if (text === undefined || text.length === 0 || text.length > MAX_SIGNATURE_CHARS || !BASE64.test(text)) return null;
  return Buffer.from(text, 'base64');
}

function verifies(key: KeyObject, payload: Buffer, signature: Buffer): boolean {
  try {
    if (key.asymmetricKeyType === 'ed25519') return verify(null, payload, key, signature);
    if (key.asymmetricKeyType === 'rsa') return verify('sha256', payload, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    return verify('sha256', payload, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

function checkLayer(layer: ReferrerLayerFact, subject: string, keys: readonly { name: string; key: KeyObject }[]): SignatureVerification {
  if (layer.payload === undefined) return { status: 'unverified', reason: 'its signed payload could not be read' };
  const signature = signatureBytes(layer.annotations[SIGNATURE_ANNOTATION]);
  if (signature === null) return { status: 'invalid', reason: `its ${SIGNATURE_ANNOTATION} annotation is missing or not base64` };
  const payload = Buffer.from(layer.payload, 'base64');
  const reading = readSimpleSigningPayload(payload.toString('utf8'));
  if (!reading.ok) return { status: 'invalid', reason: reading.reason };
  if (reading.digest !== subject) return { status: 'invalid', reason: `it signs ${reading.digest}, not ${subject}` };
  const key = keys.find((candidate) => verifies(candidate.key, payload, signature));
  if (key === undefined) return { status: 'invalid', reason: `no trusted key (${keys.map((k) => k.name).join(', ')}) verifies it` };
  return { status: 'verified', key: key.name };
}

/**
 * The verification of a cosign signature manifest against `keys`; undefined when it has no simple-signing layer
 * (a Sigstore bundle, a Notation envelope: other verifiers' work).
 */
export function verifyCosignKeyed(referrer: ReferrerFact, keys: readonly LoadedKey[]): SignatureVerification | undefined {
  const layers = layersOfType(referrer, SIMPLE_SIGNING);
  if (layers.length === 0) return undefined;
  const usable = keys.filter((key): key is { name: string; key: KeyObject } => 'key' in key);
  if (usable.length === 0) {
    const problems = keys.map((key) => ('problem' in key ? key.problem : '')).filter((problem) => problem !== '');
    return { status: 'unverified', reason: problems[0] ?? 'no trusted key could be read' };
  }
  return combineLayers(layers.map((layer) => checkLayer(layer, referrer.subject, usable)));
}
