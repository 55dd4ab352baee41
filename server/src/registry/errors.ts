/**
 * Typed registry errors, like go-containerregistry's transport.Error.
 * The codes of the distribution spec come from the error body; the others name what went wrong on the way there.
 * A message never contains a secret: only a description of which credentials were tried.
 */

import { tooManyRequestsReason, type RateLimitState } from './rateLimit';

export type RegistryErrorCode =
  // From the distribution spec's error body (or derived from the status when there is no body).
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'NAME_UNKNOWN'
  | 'NAME_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'BLOB_UNKNOWN'
  | 'TAG_INVALID'
  | 'TOOMANYREQUESTS'
  | 'UNSUPPORTED'
  // Found by the client.
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'TLS'
  | 'DIGEST_MISMATCH'
  | 'INVALID_RESPONSE'
  | 'TOO_LARGE'
  | 'SERVER_ERROR'
  | 'CREDENTIALS'
  | 'ABORTED'
  | 'UNKNOWN';

const KNOWN_BODY_CODES = new Set<string>([
  'UNAUTHORIZED',
  'DENIED',
  'NAME_UNKNOWN',
  'NAME_INVALID',
  'MANIFEST_UNKNOWN',
  'MANIFEST_INVALID',
  'BLOB_UNKNOWN',
  'TAG_INVALID',
  'TOOMANYREQUESTS',
  'UNSUPPORTED',
]);

const TEMPORARY_CODES = new Set<RegistryErrorCode>(['TOOMANYREQUESTS', 'UNREACHABLE', 'TIMEOUT', 'SERVER_ERROR']);

export interface RegistryErrorInit {
  readonly code: RegistryErrorCode;
  readonly registry: string;
  readonly message: string;
  readonly status?: number;
  readonly temporary?: boolean;
  readonly triedCredentials?: string;
  /** The registry's own message (the first error's `message` in the body), if any. */
  readonly detail?: string;
  /** How long the registry asked us to wait, when it said so. */
  readonly retryAfterMs?: number;
  /** The client's own words on why, to follow the registry's name (a 429: the limit, and when pulls come back). */
  readonly explanation?: string;
  readonly cause?: unknown;
}

export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly status?: number;
  readonly registry: string;
  readonly temporary: boolean;
  /** Which credential source was used ("anonymous", "docker config auths for host", …); never the secret. */
  triedCredentials: string;
  readonly detail?: string;
  readonly retryAfterMs?: number;
  readonly explanation?: string;

  constructor(init: RegistryErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'RegistryError';
    this.code = init.code;
    this.status = init.status;
    this.registry = init.registry;
    this.temporary = init.temporary ?? TEMPORARY_CODES.has(init.code);
    this.triedCredentials = init.triedCredentials ?? 'anonymous';
    this.detail = init.detail;
    this.retryAfterMs = init.retryAfterMs;
    this.explanation = init.explanation;
  }
}

export function isRegistryError(value: unknown): value is RegistryError {
  return value instanceof RegistryError;
}

/**
 * The registry sent more than a bound allows (`amount`: "4194304 bytes", "100000 tags", "1000 entries"):
 * a property of the answer, not of the network, so it is not temporary and no cached answer stands in for it.
 */
export function tooLarge(registry: string, amount: string, what: string): RegistryError {
  return new RegistryError({ code: 'TOO_LARGE', registry, message: `${registry} sent more than ${amount} for ${what}`, temporary: false });
}

/** The caller cancelled a request to `registry` (its signal aborted). */
export function cancelled(registry: string, cause?: unknown): RegistryError {
  return new RegistryError({ code: 'ABORTED', registry, message: `the request to ${registry} was cancelled`, temporary: false, cause });
}

export interface ErrorBody {
  readonly code?: string;
  readonly message?: string;
}

/** Reads the first entry of a distribution error body (`{"errors":[{code,message,detail}]}`); never throws. */
export function parseErrorBody(body: Uint8Array | string): ErrorBody {
  try {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const errors = (parsed as { errors?: unknown }).errors;
    if (!Array.isArray(errors) || errors.length === 0) return {};
    const first = errors[0] as { code?: unknown; message?: unknown };
    return {
      code: typeof first.code === 'string' ? first.code : undefined,
      message: typeof first.message === 'string' ? first.message.slice(0, 500) : undefined,
    };
  } catch {
    return {};
  }
}

/** The code for a status when the body does not name one; `notFound` decides what a 404 means for this request. */
export function codeForStatus(status: number, notFound: RegistryErrorCode): RegistryErrorCode {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'DENIED';
  if (status === 404) return notFound;
  if (status === 429) return 'TOOMANYREQUESTS';
  if (status >= 500) return 'SERVER_ERROR';
  return 'UNKNOWN';
}

export interface ResponseErrorContext {
  readonly registry: string;
  readonly status: number;
  readonly body: Uint8Array;
  /** What the request was about, for the message: "manifest nginx:1.25", "tags of library/nginx". */
  readonly what: string;
  readonly notFound: RegistryErrorCode;
  readonly triedCredentials: string;
  readonly retryAfterMs?: number;
  /** The rate limit the registry announced last (rateLimit.ts), for a 429's message. */
  readonly rateLimit?: RateLimitState;
}

/** Turns an unsuccessful response into a `RegistryError`, preferring the body's code over the status. */
export function errorFromResponse(context: ResponseErrorContext): RegistryError {
  const body = parseErrorBody(context.body);
  const fromBody = body.code !== undefined && KNOWN_BODY_CODES.has(body.code) ? (body.code as RegistryErrorCode) : undefined;
  const code = fromBody ?? codeForStatus(context.status, context.notFound);
  const detail = body.message;
  const credentials = code === 'UNAUTHORIZED' || code === 'DENIED' ? ` (tried ${context.triedCredentials})` : '';
  const explanation = code === 'TOOMANYREQUESTS' ? tooManyRequestsReason(context.retryAfterMs, context.rateLimit) : undefined;
  const message =
    explanation !== undefined
      ? `${context.registry} answered ${context.status} Too Many Requests for ${context.what}: ${context.registry} ${explanation}`
      : `${context.registry} answered ${context.status} ${code} for ${context.what}${detail ? `: ${detail}` : ''}${credentials}`;
  return new RegistryError({
    code,
    registry: context.registry,
    status: context.status,
    message,
    detail,
    triedCredentials: context.triedCredentials,
    retryAfterMs: context.retryAfterMs,
    explanation,
    temporary: code === 'TOOMANYREQUESTS' || context.status >= 500 || context.status === 408,
  });
}
