/**
 * A failed registry question, sorted for the facts: the answer it gives (not found, or failed with a problem kind)
 * and its registry's problem with a reason for people. Shared by every collection of registry facts.
 */
import type { ManifestAnswer, RegistryProblem, RegistryProblemKind } from '../core';
import type { RegistryErrorCode } from '../registry';

/** What the engine reads of a RegistryError; it never needs the concrete class. */
interface ErrorLike {
  readonly code: RegistryErrorCode;
  readonly registry?: string;
  readonly status?: number;
  readonly message: string;
  readonly triedCredentials?: string;
  readonly detail?: string;
}

function errorLike(error: unknown): ErrorLike | null {
  if (typeof error !== 'object' || error === null || typeof (error as { code?: unknown }).code !== 'string') return null;
  return error as ErrorLike;
}

/** A question that failed: the answer it gives (null when it gives none) and its registry's problem. */
export interface Failure {
  readonly ok: false;
  readonly answer: ManifestAnswer | null;
  readonly problem: RegistryProblem | null;
}

const PROBLEM_KINDS: Partial<Record<RegistryErrorCode, RegistryProblemKind>> = {
  UNAUTHORIZED: 'unauthorized',
  DENIED: 'unauthorized',
  CREDENTIALS: 'unauthorized',
  TIMEOUT: 'timeout',
  TLS: 'tls',
  UNREACHABLE: 'unreachable',
  SERVER_ERROR: 'unreachable',
  TOOMANYREQUESTS: 'unreachable',
  UNSUPPORTED: 'unreachable',
  INVALID_RESPONSE: 'unreachable',
  TOO_LARGE: 'unreachable',
  DIGEST_MISMATCH: 'unreachable',
  UNKNOWN: 'unreachable',
};

/** Codes for an answer that arrived but cannot be used: the registry was reached, so "could not be reached" would be wrong. */
const UNUSABLE_ANSWER = new Set<RegistryErrorCode>(['INVALID_RESPONSE', 'TOO_LARGE', 'DIGEST_MISMATCH']);

/**
 * One sentence for people: what went wrong with which registry, then the client's own message. The
 * client names the credentials tried only for refusals from the registry itself, so they are added
 * where missing (a credential helper that failed, for example).
 */
function reasonOf(kind: RegistryProblemKind, registry: string, error: ErrorLike): string {
  const message = error.message.replace(/\s+$/, '').replace(/\.$/, '');
  // The client's message says what the limit is and when pulls come back.
  if (error.code === 'TOOMANYREQUESTS') return `${message}.`;
  if (UNUSABLE_ANSWER.has(error.code))
    return message.startsWith(`${registry} sent `) ? `${message}.` : `${registry} sent an answer that cannot be used: ${message}.`;
  switch (kind) {
    case 'unauthorized':
      return `${registry} refused access: ${message}${message.includes('tried ') ? '' : ` (tried ${error.triedCredentials ?? 'anonymous'})`}.`;
    case 'timeout':
      return `${registry} did not answer in time: ${message}.`;
    case 'tls':
      return `TLS with ${registry} failed: ${message}.`;
    default:
      return `${registry} could not be reached: ${message}.`;
  }
}

/**
 * Sorts an error into an answer for the question and a problem for its registry; both null when it
 * was cancelled, asked something malformed, or is no registry error.
 */
export function classify(registry: string, error: unknown): Failure {
  const known = errorLike(error);
  if (!known || known.code === 'ABORTED' || known.code === 'NAME_INVALID' || known.code === 'TAG_INVALID') return { ok: false, answer: null, problem: null };
  if (known.code === 'MANIFEST_UNKNOWN' || known.code === 'BLOB_UNKNOWN')
    return { ok: false, answer: { status: 'not-found', unknown: 'manifest' }, problem: null };
  if (known.code === 'NAME_UNKNOWN') return { ok: false, answer: { status: 'not-found', unknown: 'repository' }, problem: null };
  const kind = PROBLEM_KINDS[known.code] ?? 'unreachable';
  return { ok: false, answer: { status: 'failed', problem: kind }, problem: { kind, reason: reasonOf(kind, known.registry ?? registry, known) } };
}
