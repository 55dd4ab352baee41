/**
 * The grammar of what a registry names: digests and tags. A value that does not match is never passed on,
 * whether it came in a header, a manifest, a tag list or a cache file, since a digest or tag ends up in the
 * URL of the next request and in the image fields a pin writes.
 * Digests are the OCI image spec's registered algorithms, sha256 (64 lowercase hex) and sha512 (128), plus
 * sha384 (96), which go-digest and so Kubernetes also accept (core/reference/digest.ts reads them too).
 * Tags are distribution's `[\w][\w.-]{0,127}`.
 */
import { RegistryError } from './errors';

const DIGEST = /^(?:sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$/;
const TAG = /^\w[\w.-]{0,127}$/;

export function isValidDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

export function isValidTag(value: unknown): value is string {
  return typeof value === 'string' && TAG.test(value);
}

/** `value` when it is a digest; otherwise INVALID_RESPONSE naming the registry and where the value was (never the value). */
export function requireDigest(value: unknown, registry: string, where: string): string {
  if (isValidDigest(value)) return value;
  throw invalidAnswer(registry, `an invalid digest in ${where}`);
}

/** `value` when it is a tag; otherwise INVALID_RESPONSE naming the registry and the tag list. */
export function requireTag(value: unknown, registry: string, where: string): string {
  if (isValidTag(value)) return value;
  throw invalidAnswer(registry, `an invalid tag in ${where}`);
}

function invalidAnswer(registry: string, what: string): RegistryError {
  return new RegistryError({ code: 'INVALID_RESPONSE', registry, message: `${registry} sent ${what}`, temporary: false });
}
