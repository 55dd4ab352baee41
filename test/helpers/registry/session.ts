/**
 * Authenticated requests to a test registry, for the seed helpers.
 * It does the challenge flow itself instead of borrowing the client under test, so a bug there cannot
 * hide in the seeding: send the request, and on 401 read `WWW-Authenticate`; for `Basic`, resend
 * with the target's credentials; for `Bearer`, get a token from the realm for the scope and resend.
 * Tokens are cached per scope for the life of the session only.
 */
import { readFileSync } from 'node:fs';
import { httpRequest } from './http';
import type { HttpResponse } from './http';

/** Where to push, and as whom. A `RunningRegistry` is one; so is a proxy in front of it. */
export interface RegistryTarget {
  readonly url: string;
  readonly caFile?: string;
  readonly username?: string;
  readonly password?: string;
}

export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses one `WWW-Authenticate` challenge such as `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string): Challenge {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const match of header.slice(space + 1).matchAll(/(\w+)="([^"]*)"/g)) params[match[1]] = match[2];
  return { scheme, params };
}

export class RegistrySession {
  private readonly ca: string | undefined;
  private basic: string | undefined;
  private readonly tokens = new Map<string, string>();

  constructor(readonly target: RegistryTarget) {
    this.ca = target.caFile ? readFileSync(target.caFile, 'utf8') : undefined;
  }

  /**
   * Sends a request to a path (or a registry-given absolute URL, like an upload Location).
   * scope is what to ask the token service for, `repository:NAME:pull,push` for a push.
   */
  async request(
    method: string,
    pathOrUrl: string,
    scope: string | undefined,
    options: { headers?: Record<string, string>; body?: Buffer | string } = {},
  ): Promise<HttpResponse> {
    const url = new URL(pathOrUrl, this.target.url);
    const send = (tokenScope: string | undefined): Promise<HttpResponse> =>
      httpRequest(url, { method, body: options.body, ca: this.ca, headers: { ...options.headers, ...this.authorization(tokenScope) } });
    const first = await send(scope);
    if (first.status !== 401) return first;
    const challenge = parseChallenge(first.header('www-authenticate') ?? '');
    if (challenge.scheme === 'basic') {
      this.basic = this.basicCredentials();
      if (!this.basic) throw new Error(`${method} ${url.pathname}: the registry asked for Basic auth, but the target has no username and password`);
      return send(undefined);
    }
    if (challenge.scheme !== 'bearer') return first;
    // With no scope given, ask for what the challenge names ('' for /v2/, which names none).
    const tokenScope = scope ?? challenge.params.scope ?? '';
    await this.fetchToken(challenge, tokenScope);
    return send(tokenScope);
  }

  private authorization(scope: string | undefined): Record<string, string> {
    const token = scope === undefined ? undefined : this.tokens.get(scope);
    if (token) return { Authorization: `Bearer ${token}` };
    return this.basic ? { Authorization: this.basic } : {};
  }

  /** The target's credentials as a Basic header value, or undefined if it has none. */
  private basicCredentials(): string | undefined {
    const { username, password } = this.target;
    if (username === undefined || password === undefined) return undefined;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  private async fetchToken(challenge: Challenge, scope: string): Promise<void> {
    const { realm, service } = challenge.params;
    if (!realm) throw new Error('the registry sent a Bearer challenge without a realm');
    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    if (scope) url.searchParams.set('scope', scope);
    // Without credentials the token request is anonymous, which is how public pulls work.
    const basic = this.basicCredentials();
    const response = await httpRequest(url, { headers: basic ? { Authorization: basic } : {} });
    if (response.status !== 200) throw new Error(`token request for ${scope} failed: ${response.status} ${response.body.toString('utf8')}`);
    const body = response.json<{ token?: string; access_token?: string }>();
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`token response for ${scope} had no token`);
    this.tokens.set(scope, token);
  }
}
