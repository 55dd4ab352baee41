/**
 * Authorization for one request, given the registry's challenge and the credential the keychain found.
 * Basic challenges get the user and password; Bearer challenges get a token from the realm (anonymously, with
 * Basic credentials, or by POSTing an identity token as an OAuth2 refresh token), cached per registry,
 * credential source and scope until shortly before it expires. Credentials go only to the registry host and to
 * the token realm, and a realm must use HTTPS unless its host may use plain HTTP.
 */
import { raceSignal } from './abort';
import type { Credential } from './credentials/credential';
import { errorFromResponse, RegistryError } from './errors';
import type { Challenge } from './headers';
import { allowsPlainHttp } from './hosts';
import type { HttpResponse } from './http';

/** Sends one token request (the transport's exchange with redirects, retries and limits). */
export type TokenExchange = (request: {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}) => Promise<HttpResponse>;

export interface TokenContext {
  readonly registry: string;
  readonly challenge: Challenge;
  readonly credential: Credential;
  /** Scopes to ask for, e.g. "repository:library/nginx:pull". */
  readonly scopes: readonly string[];
  readonly signal?: AbortSignal;
}

const DEFAULT_TOKEN_SECONDS = 60; // the token spec's default when expires_in is missing
const CLIENT_ID = 'image-aware';

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Picks the challenge to answer: Bearer before Basic; undefined when neither is offered. */
export function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

/** The scopes to request: ours plus any the registry named in its challenge (space-separated). */
export function mergeScopes(ours: readonly string[], challenge: Challenge | undefined): string[] {
  const theirs = challenge?.params.scope?.split(' ').filter((s) => s !== '') ?? [];
  return [...new Set([...ours, ...theirs])];
}

export class TokenCache {
  private readonly tokens = new Map<string, { value: string; expiresAt: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(
    private readonly exchange: TokenExchange,
    private readonly insecureRegistries: readonly string[],
    private readonly now: () => number = Date.now,
  ) {}

  /** The Authorization header value for a request, or undefined for none. */
  async authorization(context: TokenContext): Promise<string | undefined> {
    const { challenge, credential } = context;
    if (credential.kind === 'registryToken') return `Bearer ${credential.token}`;
    if (challenge.scheme === 'basic') return credential.kind === 'basic' ? basicAuthorization(credential.username, credential.password) : undefined;
    if (challenge.scheme !== 'bearer') return undefined;
    const key = this.keyOf(context);
    const cached = this.tokens.get(key);
    if (cached !== undefined && cached.expiresAt > this.now()) return `Bearer ${cached.value}`;
    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      // Shared by every request that needs this token, so no single caller's signal cancels it.
      pending = this.fetchToken({ ...context, signal: undefined }).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return `Bearer ${await raceSignal(pending, context.signal)}`;
  }

  /** Forgets the token for this context, after the registry refused it. */
  invalidate(context: Omit<TokenContext, 'signal'>): void {
    this.tokens.delete(this.keyOf(context));
  }

  private keyOf(context: Omit<TokenContext, 'signal'>): string {
    return [context.registry, context.credential.source, context.challenge.params.realm ?? '', [...context.scopes].sort().join(' ')].join('\u0000');
  }

  private async fetchToken(context: TokenContext): Promise<string> {
    const { registry, challenge, credential } = context;
    const realmText = challenge.params.realm;
    const invalid = (message: string): RegistryError =>
      new RegistryError({ code: 'INVALID_RESPONSE', registry, message, triedCredentials: credential.source, temporary: false });
    if (realmText === undefined) throw invalid(`${registry} asked for a bearer token but named no realm`);
    let realm: URL;
    try {
      realm = new URL(realmText);
    } catch {
      throw invalid(`${registry} named a token realm that is not a URL: ${realmText.slice(0, 200)}`);
    }
    if (realm.protocol !== 'https:' && !(realm.protocol === 'http:' && allowsPlainHttp(realm.host, this.insecureRegistries))) {
      throw invalid(`${registry} named a token realm without HTTPS (${realm.origin}); credentials are not sent there`);
    }
    const service = challenge.params.service;
    let response: HttpResponse;
    if (credential.kind === 'identityToken') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.token, client_id: CLIENT_ID });
      if (service !== undefined) form.set('service', service);
      if (context.scopes.length > 0) form.set('scope', context.scopes.join(' '));
      response = await this.exchange({
        url: realm,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal: context.signal,
      });
    } else {
      const url = new URL(realm);
      if (service !== undefined) url.searchParams.set('service', service);
      for (const scope of context.scopes) url.searchParams.append('scope', scope);
      const headers: Record<string, string> = {};
      if (credential.kind === 'basic') {
        headers.authorization = basicAuthorization(credential.username, credential.password);
        url.searchParams.set('account', credential.username);
      }
      response = await this.exchange({ url, method: 'GET', headers, signal: context.signal });
    }
    if (response.status !== 200) {
      throw errorFromResponse({
        registry,
        status: response.status,
        body: response.body,
        what: `a token from ${realm.host}`,
        notFound: 'UNSUPPORTED',
        triedCredentials: credential.source,
      });
    }
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(response.body.toString('utf8')) as typeof parsed;
    } catch {
      throw invalid(`the token server ${realm.host} answered with something that is not JSON`);
    }
    const token = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || token === '') throw invalid(`the token server ${realm.host} answered without a token`);
    const seconds = typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_SECONDS;
    // Stop using a token a little before it expires: 10 % of its life, at most 30 s.
    const margin = Math.min(seconds * 100, 30_000);
    this.tokens.set(this.keyOf(context), { value: token, expiresAt: this.now() + seconds * 1000 - margin });
    return token;
  }
}
