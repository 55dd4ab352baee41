/**
 * cosign's simple-signing payload (sigstore/cosign specs/SIGNATURE_SPEC.md, "Simple Signing", after
 * containers/image docs/containers-signature.5.md, "JSON Data Format"): a JSON object whose `critical.type` is
 * `cosign container image signature` and whose `critical.image.docker-manifest-digest` names the signed manifest.
 * The signature covers the payload's bytes, so a valid signature over a payload naming another digest signs
 * another image. `critical.identity.docker-reference` is ignored, as the spec says. The key is matched as Go's
 * encoding/json matches it (cosign reads the payload so), case-insensitively, and only when one key matches.
 */
import { isRecord } from '../json';

export const COSIGN_PAYLOAD_TYPE = 'cosign container image signature';
/** A payload is a few hundred bytes; cosign's verifier reads no more. */
export const MAX_PAYLOAD_CHARS = 64 * 1024;

export type PayloadReading = { readonly ok: true; readonly digest: string } | { readonly ok: false; readonly reason: string };

function field(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const keys = Object.keys(object).filter((key) => key.toLowerCase() === name);
  return keys.length === 1 ? object[keys[0]] : undefined;
}

/** The digest a simple-signing payload (its text) signs, or why it is no such payload. */
export function readSimpleSigningPayload(text: string): PayloadReading {
  if (text.length > MAX_PAYLOAD_CHARS) return { ok: false, reason: `the signed payload is larger than ${MAX_PAYLOAD_CHARS / 1024} KiB` };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the signed payload is not JSON' };
  }
  const critical = isRecord(body) ? field(body, 'critical') : undefined;
  if (!isRecord(critical)) return { ok: false, reason: 'the signed payload has no `critical` section' };
  if (field(critical, 'type') !== COSIGN_PAYLOAD_TYPE) return { ok: false, reason: `the signed payload is not a ${COSIGN_PAYLOAD_TYPE}` };
  const image = field(critical, 'image');
  const digest = isRecord(image) ? field(image, 'docker-manifest-digest') : undefined;
  if (typeof digest !== 'string' || !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/.test(digest))
    return { ok: false, reason: 'the signed payload names no image digest' };
  return { ok: true, digest };
}
