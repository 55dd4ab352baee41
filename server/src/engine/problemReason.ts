/**
 * A registry failure in words for people: one sentence naming the registry as the image writes it
 * (`Envoyproxy`, not the lower-cased host of the URL), what happened in plain terms (no such host,
 * refused the connection, a certificate nobody trusts), and which credentials were tried when it
 * refused them; never a secret, an errno or the registry's own text. The client's full message stays in
 * its trace (IMAGE_AWARE_TRACE).
 * The kind sorts it for the editor's status bar: unreachable (network, time, TLS), refused
 * (credentials), too many requests, or an answer that cannot be used.
 */
import type { RegistryProblem, RegistryProblemKind } from '../core';
import type { RegistryErrorCode } from '../registry';

/** What the engine reads of a RegistryError; it never needs the concrete class. */
export interface ErrorLike {
  readonly code: RegistryErrorCode;
  readonly registry?: string;
  readonly status?: number;
  readonly message: string;
  readonly triedCredentials?: string;
  readonly detail?: string;
  /** The client's own words on why, to follow the registry's name (a 429: the pull rate limit, and when pulls come back). */
  readonly explanation?: string;
  /** The system or TLS error under it (`ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`), when there is one. */
  readonly cause?: unknown;
}

const PROBLEM_KINDS: Partial<Record<RegistryErrorCode, RegistryProblemKind>> = {
  UNAUTHORIZED: 'unauthorized',
  DENIED: 'unauthorized',
  CREDENTIALS: 'unauthorized',
  TIMEOUT: 'timeout',
  TLS: 'tls',
  TOOMANYREQUESTS: 'too-many-requests',
  INVALID_RESPONSE: 'invalid-answer',
  TOO_LARGE: 'invalid-answer',
  DIGEST_MISMATCH: 'invalid-answer',
};

/** Network errors by their system code, as what happened. */
const NETWORK_WORDS: Readonly<Record<string, string>> = {
  ENOTFOUND: 'could not be reached: no such host (DNS)',
  EAI_AGAIN: 'could not be reached: no such host (DNS)',
  ECONNREFUSED: 'refused the connection',
  ETIMEDOUT: 'did not answer',
  EHOSTUNREACH: 'could not be reached: no route to the host',
  ENETUNREACH: 'could not be reached: no network route to it',
  ECONNRESET: 'closed the connection',
  EPIPE: 'closed the connection',
  ECONNABORTED: 'closed the connection',
  UND_ERR_SOCKET: 'closed the connection',
};

/** TLS errors by their OpenSSL or Node code, as what is wrong with the certificate or the connection. */
const TLS_WORDS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is not trusted (self-signed)',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate is not trusted (a self-signed certificate in the chain)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not trusted (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is not trusted (unknown issuer)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not trusted (unknown issuer)',
  CERT_UNTRUSTED: 'its certificate is not trusted',
  CERT_REJECTED: 'its certificate is not trusted',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'it does not speak TLS (a plain-HTTP registry?)',
  EPROTO: 'it does not speak TLS (a plain-HTTP registry?)',
};

function causeCode(error: ErrorLike): string {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : '';
}

function isErrorLike(error: unknown): error is ErrorLike {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

export function asErrorLike(error: unknown): ErrorLike | null {
  return isErrorLike(error) ? error : null;
}

function refused(registry: string, error: ErrorLike): string {
  const tried = error.triedCredentials ?? 'anonymous';
  if (error.code === 'CREDENTIALS') return `the credentials for ${registry} could not be read (${tried})`;
  return `${registry} ${error.code === 'DENIED' ? 'denied' : 'refused'} access (tried ${tried})`;
}

function words(kind: RegistryProblemKind, registry: string, error: ErrorLike): string {
  const code = causeCode(error);
  switch (kind) {
    case 'unauthorized':
      return refused(registry, error);
    case 'timeout':
      return `${registry} did not answer in time`;
    case 'tls':
      return `${registry}: ${TLS_WORDS[code] ?? `TLS failed${code ? ` (${code})` : ''}`}`;
    case 'too-many-requests':
      return `${registry} ${error.explanation ?? 'asked to slow down (too many requests)'}`;
    case 'invalid-answer': {
      // The client's own words, which name what was wrong with the answer (never the registry's text).
      const message = error.message.replace(/\s+$/, '').replace(/\.$/, '');
      return message.startsWith(`${registry} sent `) ? message : `${registry} sent an answer that cannot be used: ${message}`;
    }
    default:
      if (NETWORK_WORDS[code]) return `${registry} ${NETWORK_WORDS[code]}`;
      if (error.code === 'SERVER_ERROR') return `${registry} failed (server error${error.status ? ` ${error.status}` : ''})`;
      return `${registry} could not be reached${code ? ` (${code})` : ''}`;
  }
}

/** The registry's problem from an error of its client: its kind and a reason for people. `registry` is the host as the image writes it. */
export function problemOf(registry: string, error: ErrorLike): RegistryProblem {
  const kind = PROBLEM_KINDS[error.code] ?? 'unreachable';
  return { kind, reason: `${words(kind, registry, error)}.` };
}
