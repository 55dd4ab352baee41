/**
 * The transport turns "GET this path of this registry" into a 2xx response or a `RegistryError` that says which
 * credentials were tried. `request` is the auth loop; the other jobs are composed from their modules:
 * - session.ts: the ping, which decides HTTPS or plain HTTP and learns the challenge, once per registry;
 * - exchange.ts: redirects followed by hand under hops.ts's scheme rules, and per-registry CA files (caFiles.ts);
 * - retry.ts: Retry-After, backoff, reset connections, and at most `concurrency` requests per registry;
 * - auth.ts: tokens and Basic authorization through `TokenCache`;
 * - rateLimit.ts: the pull rate limit each registry announces (RateLimit-Limit, RateLimit-Remaining).
 * Credentials go only to the registry's own origin, never to a Link target elsewhere; a 401 is retried at most once.
 * The transport also remembers which repositories answered a request sent without credentials, so an anonymous
 * probe can often be skipped.
 */
import { mergeScopes, TokenCache } from './auth';
import { ANONYMOUS } from './credentials/credential';
import type { Credential, Keychain } from './credentials/credential';
import { cancelled, errorFromResponse, RegistryError, tooLarge, type RegistryErrorCode } from './errors';
import { Exchanger, type ExchangeContext, type ExchangeOptions, type Method } from './exchange';
import { parseRetryAfter, type Challenge } from './headers';
import { checkHop } from './hops';
import { ERROR_BODY_BYTES, header, type HttpResponse } from './http';
import { RateLimits } from './rateLimits';
import { Retries, type RetryOptions } from './retry';
import { challengeOf, Sessions } from './session';

export interface TransportOptions extends ExchangeOptions, RetryOptions {
  readonly keychain: Keychain;
  /** The clock token lifetimes are measured by (default Date.now). */
  readonly now?: () => number;
}

export interface RegistryRequest {
  readonly registry: string;
  readonly repository: string;
  readonly method: 'GET' | 'HEAD';
  /** A path ("/v2/…") or an absolute URL (a Link target). */
  readonly target: string;
  readonly accept?: string;
  readonly signal?: AbortSignal;
  readonly maxBodyBytes: number;
  /** For messages: "manifest library/nginx:1.25". */
  readonly what: string;
  readonly notFound: RegistryErrorCode;
  /**
   * Ask as a client without credentials would (a Kubernetes node without pull secrets): the keychain is not
   * consulted, and a refusal is final unless the registry's new challenge names a scope not asked for yet.
   */
  readonly anonymous?: boolean;
}

/** The most of a token endpoint's answer that is read. */
const TOKEN_BODY_BYTES = 1024 * 1024;

export class Transport {
  private readonly exchanger: Exchanger;
  private readonly retries: Retries;
  private readonly sessions: Sessions;
  private readonly tokens: TokenCache;
  /** The pull rate limit each registry announced last (rateLimit.ts). */
  readonly rateLimits = new RateLimits();
  /** `registry/repository` of every repository that answered a request sent without Authorization. */
  private readonly anonymousAnswers = new Set<string>();

  constructor(private readonly options: TransportOptions) {
    this.exchanger = new Exchanger(options);
    this.retries = new Retries(options);
    this.sessions = new Sessions((registry, url) => this.send(url, 'GET', {}, { registry, maxBodyBytes: ERROR_BODY_BYTES }), options.insecureRegistries);
    this.tokens = new TokenCache(
      ({ url, method, headers, signal, body }) => this.send(url, method, headers, { registry: url.host, signal, maxBodyBytes: TOKEN_BODY_BYTES, body }),
      options.insecureRegistries,
      options.now,
    );
  }

  close(): void {
    this.exchanger.close();
  }

  /**
   * Whether a request to this repository, sent without credentials (no Authorization, or an anonymous token), was
   * answered with 2xx or 404: the registry checks access before it looks anything up, so anonymous pulls from it
   * work. Known for this client's life only.
   */
  answeredAnonymously(registry: string, repository: string): boolean {
    return this.anonymousAnswers.has(`${registry}/${repository}`);
  }

  /** Sends a request to a registry and returns a 2xx response; anything else becomes a `RegistryError`. */
  async request(request: RegistryRequest): Promise<HttpResponse> {
    const { registry, repository, signal } = request;
    let credential: Credential | undefined;
    try {
      const session = await this.sessions.get(registry, signal);
      const url = new URL(request.target, session.base);
      if (url.origin !== session.base.origin) checkHop(session.base, url, 'linked', registry, this.options.insecureRegistries);
      const scopes = [`repository:${repository}:pull`];
      let retriedAuth = false;
      for (;;) {
        const challenge = session.challenge;
        let authorization: string | undefined;
        // Credentials only ever go to the registry's own origin, even when a Link header points elsewhere.
        if (challenge !== undefined && url.origin === session.base.origin) {
          credential ??= request.anonymous === true ? ANONYMOUS : await this.options.keychain.resolve({ registry, path: repository }, signal);
          authorization = await this.tokens.authorization({ registry, challenge, credential, scopes: mergeScopes(scopes, challenge), signal });
        }
        const headers: Record<string, string> = {};
        if (request.accept !== undefined) headers.accept = request.accept;
        if (authorization !== undefined) headers.authorization = authorization;
        const response = await this.send(url, request.method, headers, { registry, signal, maxBodyBytes: request.maxBodyBytes });
        if (url.origin === session.base.origin) this.rateLimits.observe(registry, response, this.options.now ?? Date.now);
        // Sent without credentials: no Authorization at all, or an anonymous Bearer token.
        const anonymous = authorization === undefined || credential?.kind === 'anonymous';
        const answered = (response.status >= 200 && response.status < 300) || response.status === 404;
        if (answered && anonymous && url.origin === session.base.origin) this.anonymousAnswers.add(`${registry}/${repository}`);
        if (response.status >= 200 && response.status < 300) {
          if (response.truncated) throw tooLarge(registry, `${request.maxBodyBytes} bytes`, request.what);
          return response;
        }
        if (response.status === 401 && !retriedAuth) {
          // The token may have expired or lack a scope the registry now names: learn the challenge and try once more.
          const fresh = challengeOf(response);
          if (fresh !== undefined) session.challenge = fresh;
          if (challenge !== undefined && credential !== undefined)
            this.tokens.invalidate({ registry, challenge, credential, scopes: mergeScopes(scopes, challenge) });
          retriedAuth = true;
          // Retrying helps when a token was refused or a challenge appeared; wrong Basic credentials stay wrong.
          // An anonymous token that was refused stays refused unless the registry now asks for something else.
          const retry = session.challenge !== undefined && (challenge === undefined || challenge.scheme === 'bearer');
          if (retry && (request.anonymous !== true || asksForMore(scopes, challenge, fresh))) continue;
        }
        throw errorFromResponse({
          registry,
          status: response.status,
          body: response.body,
          what: request.what,
          notFound: request.notFound,
          triedCredentials: credential?.source ?? 'anonymous',
          retryAfterMs: parseRetryAfter(header(response, 'retry-after')),
          rateLimit: this.rateLimits.of(registry),
        });
      }
    } catch (error) {
      throw normalize(error, registry, signal, credential);
    }
  }

  /** One exchange with its redirects, retried by the retry policy under the registry's concurrency limit. */
  private send(url: URL, method: Method, headers: Record<string, string>, context: ExchangeContext): Promise<HttpResponse> {
    return this.retries.run(context.registry, context.signal, () => this.exchanger.exchange(url, method, headers, context));
  }
}

/** Every error leaving the transport is a RegistryError naming the credentials tried. */
function normalize(error: unknown, registry: string, signal: AbortSignal | undefined, credential: Credential | undefined): RegistryError {
  let result: RegistryError;
  if (error instanceof RegistryError) result = error;
  else if (signal?.aborted) result = cancelled(registry, error);
  else {
    const message = `the request to ${registry} failed: ${(error as Error)?.message ?? String(error)}`;
    result = new RegistryError({ code: 'UNKNOWN', registry, message, cause: error, temporary: false });
  }
  if (credential !== undefined && result.triedCredentials === 'anonymous') result.triedCredentials = credential.source;
  return result;
}

/** Whether a new challenge wants another scheme or a scope the refused request did not ask for. */
function asksForMore(ours: readonly string[], used: Challenge | undefined, fresh: Challenge | undefined): boolean {
  if (used === undefined) return true;
  if (fresh === undefined) return false;
  if (fresh.scheme !== used.scheme) return true;
  const asked = new Set(mergeScopes(ours, used));
  return mergeScopes(ours, fresh).some((scope) => !asked.has(scope));
}
