/**
 * Digest validation as opencontainers/go-digest v1.0.0 does it in `Digest.Validate`, with the algorithms
 * that Kubernetes registers by importing crypto/sha256 and crypto/sha512: sha256, sha384 and sha512.
 *
 * The checks run in upstream order, because the order decides which error a user sees.
 * A digest needs a ":" with text on both sides.
 * An algorithm other than the three known ones is "unsupported" when the whole digest still has
 * go-digest's general shape, and "invalid format" when it does not.
 * For a known algorithm the length is checked first (64, 96 or 128 characters), then that every
 * character is lowercase hex.
 */
import type { Span } from '../span';
import type { ReferenceErrorCategory } from './category';
import { characterAt, quote } from './quote';

/** Hex length per supported algorithm. A Map, so that names like "constructor" find nothing. */
const HEX_LENGTH = new Map<string, number>([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

/** The OCI image spec's registered algorithms with their hex lengths; `$` without the m flag is the end of input. */
const OCI_DIGEST = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

const FORM_HINT = 'write it as algorithm:hex, for example "sha256:" followed by 64 lowercase hex characters';

/** A digest problem; `span` is relative to the start of the digest text. */
export interface DigestProblem {
  readonly category: ReferenceErrorCategory;
  readonly message: string;
  readonly span: Span;
}

/** Returns the hex length `algorithm` needs, or undefined when go-digest (as Kubernetes builds it) lacks it. */
export function digestHexLength(algorithm: string): number | undefined {
  return HEX_LENGTH.get(algorithm);
}

/**
 * Whether `digest` is a digest of an algorithm the OCI image spec registers: "sha256:" and 64, or
 * "sha512:" and 128 lowercase hex characters. Stricter than checkDigest (no sha384): what the
 * extension writes into a file, and what it accepts from a registry, must be this.
 */
export function isOciDigest(digest: unknown): digest is string {
  return typeof digest === 'string' && OCI_DIGEST.test(digest);
}

/** A digest as rows and titles show it: the algorithm and the first 12 hex characters, then an ellipsis. */
export function shortDigest(digest: string): string {
  return `${digest.slice(0, 19)}…`;
}

/** Validates `digest` (for example "sha256:…") the way go-digest does; null means it is valid. */
export function checkDigest(digest: string): DigestProblem | null {
  const colon = digest.indexOf(':');
  const whole: Span = { start: 0, end: digest.length };
  if (colon <= 0 || colon + 1 === digest.length) {
    return { category: 'invalid checksum digest format', message: `Digest ${quote(digest)} is not complete; ${FORM_HINT}.`, span: whole };
  }
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const hexLength = HEX_LENGTH.get(algorithm);
  if (hexLength === undefined) {
    if (!hasGeneralDigestShape(digest)) {
      return { category: 'invalid checksum digest format', message: `Digest ${quote(digest)} is malformed; ${FORM_HINT}.`, span: whole };
    }
    return {
      category: 'unsupported digest algorithm',
      message: `Digest algorithm ${quote(algorithm)} is not supported; use sha256, sha384 or sha512.`,
      span: { start: 0, end: colon },
    };
  }
  if (encoded.length !== hexLength) {
    const unit = /^[0-9a-fA-F]*$/.test(encoded) ? 'hex characters' : `characters after "${algorithm}:"`;
    return {
      category: 'invalid checksum digest length',
      message: `Digest ${quote(digest)} has ${encoded.length} ${unit}; ${algorithm} needs exactly ${hexLength}.`,
      span: { start: colon + 1, end: digest.length },
    };
  }
  const bad = encoded.search(/[^0-9a-f]/);
  if (bad >= 0) {
    const character = characterAt(encoded, bad);
    const why = /[A-F]/.test(character) ? 'the hex must be lowercase' : 'only the hex digits 0-9 and a-f are allowed';
    return {
      category: 'invalid checksum digest format',
      message: `Digest ${quote(digest)} contains ${quote(character)}; ${why}.`,
      span: { start: colon + 1 + bad, end: colon + 1 + bad + character.length },
    };
  }
  return null;
}

/**
 * go-digest's DigestRegexpAnchored, `^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`, which decides
 * between "unsupported" and "invalid format". It is written out by hand because V8 runs that regexp
 * with a backtracking stack that overflows on a long algorithm name.
 */
function hasGeneralDigestShape(digest: string): boolean {
  const colon = digest.indexOf(':');
  if (colon <= 0 || colon + 1 === digest.length) return false;
  let needsAlphanumeric = true;
  for (let i = 0; i < colon; i++) {
    const code = digest.charCodeAt(i);
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) needsAlphanumeric = false;
    else if (!needsAlphanumeric && (code === 0x2e || code === 0x2b || code === 0x5f || code === 0x2d)) needsAlphanumeric = true;
    else return false;
  }
  if (needsAlphanumeric) return false;
  return /^[a-zA-Z0-9=_-]+$/.test(digest.slice(colon + 1));
}
