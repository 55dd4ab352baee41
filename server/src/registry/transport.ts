/**
 * The transport owns everything between "GET this path of this registry" and a response:
 * - the scheme: HTTPS with verified TLS (plus a per-registry CA file); plain HTTP only when the HTTPS handshake
 *   gets a plain-HTTP answer from a loopback or insecure-listed host;
 * - the ping (`GET /v2/`) and its challenge, remembered per registry, and authorization through `TokenCache`;
 * - redirects, followed by hand, with Authorization dropped as soon as the host or scheme changes; a redirect and
 *   a Link target (an absolute URL) obey the registry's own scheme rules: HTTPS, or plain HTTP only from plain HTTP
 *   to a host that allows it (loopback or insecure-listed), never down from HTTPS;
 * - retries: 429, 502, 503 and 504 honour Retry-After (seconds or an HTTP date) or back off exponentially,
 *   up to `maxRetries`; a reset keep-alive connection is retried too;
 * - a per-attempt timeout, the caller's AbortSignal, and at most `concurrency` requests per registry;
 * - which repositories answered a request sent without credentials, so an anonymous probe can often be skipped.
 * Every failure is a `RegistryError` that says which credentials were tried.
 */
import { readFileSync } from 'node:fs';
import { raceSignal, sleep } from './abort';
import { mergeScopes, pickChallenge, TokenCache } from './auth';
import { ANONYMOUS } from './credentials/credential';
import type { Credential, Keychain } from './credentials/credential';
import { errorFromResponse, RegistryError, tooLarge, type RegistryErrorCode } from './errors';
import { parseRetryAfter, parseWwwAuthenticate, type Challenge } from './headers';
import { allowsPlainHttp, apiHost, hostOf } from './hosts';
import { AgentPool, isPlainHttpAnswer, send, type HttpResponse } from './http';
import { KeyedLimiter } from './limiter';

export interface TransportOptions {
  readonly keychain: Keychain;
  readonly insecureRegistries: readonly string[];
  /** host[:port] → path of a PEM file with extra CA certificates for that host. */
  readonly caFiles: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly userAgent: string;
  readonly maxRetries: number;
  /** The longest wait for one retry; a registry asking for longer gets an error that carries `retryAfterMs`. */
  readonly maxRetryDelayMs: number;
  readonly backoffMs: number;
  readonly onRequest?: (event: RequestEvent) => void;
  /** The clock token lifetimes are measured by (default Date.now). */
  readonly now?: () => number;
}

/** One HTTP exchange, for tracing: never carries headers or bodies. */
export interface RequestEvent {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly error?: RegistryErrorCode;
  readonly ms: number;
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

interface Session {
  readonly base: URL;
  challenge?: Challenge;
}

const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const ERROR_BODY_BYTES = 64 * 1024;

export class Transport {
  private readonly agents = new AgentPool();
  private readonly limiter: KeyedLimiter;
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly tokens: TokenCache;
  private readonly caCache = new Map<string, string | undefined>();
  /** `registry/repository` of every repository that answered a request sent without Authorization. */
  private readonly anonymousAnswers = new Set<string>();

  constructor(private readonly options: TransportOptions) {
    this.limiter = new KeyedLimiter(options.concurrency);
    this.tokens = new TokenCache(
      (request) =>
        this.withRetries(request.url.host, request.signal, () =>
          this.exchange(request.url, request.method, request.headers, { registry: request.url.host, signal: request.signal, maxBodyBytes: 1024 * 1024, body: request.body }),
        ),
      options.insecureRegistries,
      options.now,
    );
  }

  close(): void {
    this.agents.destroy();
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
    let credential: Credential | undefined;
    try {
      const session = await this.session(request.registry, request.signal);
      const url = new URL(request.target, session.base);
      if (url.origin !== session.base.origin) this.checkHop(session.base, url, 'linked', request.registry);
      const scopes = [`repository:${request.repository}:pull`];
      let retriedAuth = false;
      for (;;) {
        const challenge = session.challenge;
        let authorization: string | undefined;
        // Credentials only ever go to the registry's own origin, even when a Link header points elsewhere.
        if (challenge !== undefined && url.origin === session.base.origin) {
          credential ??= request.anonymous === true ? ANONYMOUS : await this.options.keychain.resolve({ registry: request.registry, path: request.repository }, request.signal);
          authorization = await this.tokens.authorization({ registry: request.registry, challenge, credential, scopes: mergeScopes(scopes, challenge), signal: request.signal });
        }
        const headers: Record<string, string> = {};
        if (request.accept !== undefined) headers.accept = request.accept;
        if (authorization !== undefined) headers.authorization = authorization;
        const response = await this.withRetries(request.registry, request.signal, () =>
          this.exchange(url, request.method, headers, { registry: request.registry, signal: request.signal, maxBodyBytes: request.maxBodyBytes }),
        );
        // Sent without credentials: no Authorization at all, or an anonymous Bearer token.
        const anonymous = authorization === undefined || credential?.kind === 'anonymous';
        const answered = (response.status >= 200 && response.status < 300) || response.status === 404;
        if (answered && anonymous && url.origin === session.base.origin) this.anonymousAnswers.add(`${request.registry}/${request.repository}`);
        if (response.status >= 200 && response.status < 300) {
          if (response.truncated) throw tooLarge(request.registry, `${request.maxBodyBytes} bytes`, request.what);
          return response;
        }
        if (response.status === 401 && !retriedAuth) {
          // The token may have expired or lack a scope the registry now names: learn the challenge and try once more.
          const fresh = pickChallenge(parseWwwAuthenticate(response.headers['www-authenticate']));
          if (fresh !== undefined) session.challenge = fresh;
          if (challenge !== undefined && credential !== undefined) this.tokens.invalidate({ registry: request.registry, challenge, credential, scopes: mergeScopes(scopes, challenge) });
          retriedAuth = true;
          // Retrying helps when a token was refused or a challenge appeared; wrong Basic credentials stay wrong.
          // An anonymous token that was refused stays refused unless the registry now asks for something else.
          const retry = session.challenge !== undefined && (challenge === undefined || challenge.scheme === 'bearer');
          if (retry && (request.anonymous !== true || asksForMore(scopes, challenge, fresh))) continue;
        }
        throw errorFromResponse({
          registry: request.registry,
          status: response.status,
          body: response.body,
          what: request.what,
          notFound: request.notFound,
          triedCredentials: credential?.source ?? 'anonymous',
          retryAfterMs: parseRetryAfter(header(response, 'retry-after')),
        });
      }
    } catch (error) {
      throw this.normalize(error, request.registry, request.signal, credential);
    }
  }

  /** Refuses a Link or redirect target that the registry itself could not be reached at: see the header comment. */
  private checkHop(from: URL, to: URL, verb: 'linked' | 'redirected', registry: string): void {
    const noun = verb === 'linked' ? 'link' : 'redirect';
    const refused = (code: RegistryErrorCode, why: string): RegistryError =>
      new RegistryError({ code, registry, message: `${from.host} ${verb} to ${why}; the ${noun} was not followed`, temporary: false });
    if (to.protocol !== 'https:' && to.protocol !== 'http:') throw refused('INVALID_RESPONSE', `a ${to.protocol} URL, which is not HTTP(S)`);
    if (to.protocol === 'https:') return;
    if (from.protocol === 'https:') throw refused('TLS', `${to.origin}, which is plain HTTP after HTTPS`);
    if (!allowsPlainHttp(to.host, this.options.insecureRegistries)) throw refused('TLS', `${to.origin}, which is not HTTPS`);
  }

  /** Every error leaving the transport is a RegistryError naming the credentials tried. */
  private normalize(error: unknown, registry: string, signal: AbortSignal | undefined, credential: Credential | undefined): RegistryError {
    let result: RegistryError;
    if (error instanceof RegistryError) result = error;
    else if (signal?.aborted) result = new RegistryError({ code: 'ABORTED', registry, message: `the request to ${registry} was cancelled`, temporary: false, cause: error });
    else result = new RegistryError({ code: 'UNKNOWN', registry, message: `the request to ${registry} failed: ${(error as Error)?.message ?? String(error)}`, cause: error, temporary: false });
    if (credential !== undefined && result.triedCredentials === 'anonymous') result.triedCredentials = credential.source;
    return result;
  }

  /** Pings the registry once per client (shared by concurrent callers) to learn its scheme and challenge. */
  private session(registry: string, signal: AbortSignal | undefined): Promise<Session> {
    let session = this.sessions.get(registry);
    if (session === undefined) {
      session = this.ping(registry);
      this.sessions.set(registry, session);
      session.catch(() => this.sessions.delete(registry));
    }
    return raceAbort(session, signal, registry);
  }

  private async ping(registry: string): Promise<Session> {
    const host = apiHost(registry);
    const plainAllowed = allowsPlainHttp(host, this.options.insecureRegistries);
    let response: HttpResponse | undefined;
    let base = new URL(`https://${host}/`);
    try {
      response = await this.withRetries(registry, undefined, () => this.exchange(new URL('/v2/', base), 'GET', {}, { registry, maxBodyBytes: ERROR_BODY_BYTES }));
    } catch (error) {
      if (!plainAllowed || !isPlainHttpAnswer(error)) throw error;
      base = new URL(`http://${host}/`);
      response = await this.withRetries(registry, undefined, () => this.exchange(new URL('/v2/', base), 'GET', {}, { registry, maxBodyBytes: ERROR_BODY_BYTES }));
    }
    if (response.status === 200) return { base };
    if (response.status === 401) return { base, challenge: pickChallenge(parseWwwAuthenticate(response.headers['www-authenticate'])) };
    if (response.status === 404) {
      throw new RegistryError({ code: 'UNSUPPORTED', registry, status: 404, message: `${host} does not serve the registry API (GET /v2/ answered 404)`, temporary: false });
    }
    throw errorFromResponse({ registry, status: response.status, body: response.body, what: 'the API check GET /v2/', notFound: 'UNSUPPORTED', triedCredentials: 'anonymous' });
  }

  /** Runs `attempt` under the registry's concurrency limit, retrying throttling, gateway errors and reset connections. */
  private async withRetries(registry: string, signal: AbortSignal | undefined, attempt: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const aborted = (): Error => new RegistryError({ code: 'ABORTED', registry, message: `the request to ${registry} was cancelled`, temporary: false });
    for (let tries = 0; ; tries++) {
      const last = tries >= this.options.maxRetries;
      let response: HttpResponse;
      try {
        response = await this.limiter.run(registry, attempt, signal, aborted);
      } catch (error) {
        if (last || !isResetConnection(error)) throw error;
        await this.wait(this.backoff(tries), signal, registry);
        continue;
      }
      if (last || !RETRY_STATUSES.has(response.status)) return response;
      const asked = parseRetryAfter(header(response, 'retry-after'));
      if (asked !== undefined && asked > this.options.maxRetryDelayMs) return response;
      await this.wait(asked ?? this.backoff(tries), signal, registry);
    }
  }

  private backoff(tries: number): number {
    const exponential = this.options.backoffMs * 2 ** tries;
    return Math.min(this.options.maxRetryDelayMs, exponential * (0.75 + Math.random() * 0.5));
  }

  private async wait(ms: number, signal: AbortSignal | undefined, registry: string): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw new RegistryError({ code: 'ABORTED', registry, message: `the request to ${registry} was cancelled`, temporary: false, cause: error });
    }
  }

  private caFor(url: URL): string | undefined {
    const host = hostOf(url);
    if (this.caCache.has(host)) return this.caCache.get(host);
    const file = this.options.caFiles[host] ?? this.options.caFiles[url.hostname];
    let pem: string | undefined;
    if (file !== undefined) {
      try {
        pem = readFileSync(file, 'utf8');
      } catch (error) {
        throw new RegistryError({ code: 'TLS', registry: host, message: `the CA file ${file} for ${host} cannot be read: ${(error as { code?: string }).code ?? error}`, temporary: false });
      }
    }
    this.caCache.set(host, pem);
    return pem;
  }

  /** One logical exchange: the request plus any redirects, with Authorization only while on the first origin. */
  private async exchange(
    url: URL,
    method: 'GET' | 'HEAD' | 'POST',
    headers: Record<string, string>,
    context: { registry: string; signal?: AbortSignal; maxBodyBytes: number; body?: string },
  ): Promise<HttpResponse> {
    let current = url;
    let sendCredentials = true;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const outgoing: Record<string, string> = { 'user-agent': this.options.userAgent, ...headers };
      if (!sendCredentials) delete outgoing.authorization;
      const started = Date.now();
      let response: HttpResponse;
      try {
        response = await send(
          { url: current, method, headers: outgoing, body: context.body, ca: this.caFor(current), signal: context.signal, timeoutMs: this.options.timeoutMs, maxBodyBytes: context.maxBodyBytes, registry: context.registry },
          this.agents,
        );
      } catch (error) {
        this.options.onRequest?.({ method, url: current.href, error: (error as RegistryError).code, ms: Date.now() - started });
        throw error;
      }
      this.options.onRequest?.({ method, url: current.href, status: response.status, ms: Date.now() - started });
      const location = header(response, 'location');
      if (!REDIRECT_STATUSES.has(response.status) || location === undefined || method === 'POST') return response;
      if (!URL.canParse(location, current.href)) {
        const message = `${current.host} redirected to something that is not a URL`;
        throw new RegistryError({ code: 'INVALID_RESPONSE', registry: context.registry, message, temporary: false });
      }
      const next = new URL(location, current);
      this.checkHop(current, next, 'redirected', context.registry);
      if (hostOf(next) !== hostOf(url) || next.protocol !== url.protocol) sendCredentials = false;
      current = next;
    }
    throw new RegistryError({ code: 'INVALID_RESPONSE', registry: context.registry, message: `${url.host} redirected more than ${MAX_REDIRECTS} times`, temporary: false });
  }
}

/** Whether a new challenge wants another scheme or a scope the refused request did not ask for. */
function asksForMore(ours: readonly string[], used: Challenge | undefined, fresh: Challenge | undefined): boolean {
  if (used === undefined) return true;
  if (fresh === undefined) return false;
  if (fresh.scheme !== used.scheme) return true;
  const asked = new Set(mergeScopes(ours, used));
  return mergeScopes(ours, fresh).some((scope) => !asked.has(scope));
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isResetConnection(error: unknown): boolean {
  const code = (error instanceof RegistryError ? (error.cause as { code?: string } | undefined)?.code : undefined) ?? '';
  return error instanceof RegistryError && error.code === 'UNREACHABLE' && (code === 'ECONNRESET' || code === 'EPIPE');
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, registry: string): Promise<T> {
  if (signal?.aborted) return Promise.reject(new RegistryError({ code: 'ABORTED', registry, message: `the request to ${registry} was cancelled`, temporary: false }));
  return raceSignal(promise, signal);
}
