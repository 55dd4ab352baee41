/**
 * A registry's session: its base URL and its auth challenge, learnt from one ping (`GET /v2/`) per client that
 * concurrent callers share; a failed ping is forgotten, so the next request pings again.
 * The ping tries HTTPS with verified TLS first. Plain HTTP is tried only when the HTTPS handshake got a plain-HTTP
 * answer and the host allows it (loopback or insecure-listed). 200 means no auth, 401 carries the challenge,
 * 404 means the host does not serve the registry API.
 */
import { raceSignal } from './abort';
import { pickChallenge } from './auth';
import { cancelled, errorFromResponse, RegistryError } from './errors';
import { parseWwwAuthenticate, type Challenge } from './headers';
import { allowsPlainHttp, apiHost } from './hosts';
import { isPlainHttpAnswer, type HttpResponse } from './http';

export interface Session {
  readonly base: URL;
  /** Replaced when a 401 names a new one. */
  challenge?: Challenge;
}

/** Sends the ping `GET url` for `registry` (with the transport's retries and limits). */
export type Ping = (registry: string, url: URL) => Promise<HttpResponse>;

/** The challenge a 401 answer offers, if it offers one this client speaks. */
export function challengeOf(response: HttpResponse): Challenge | undefined {
  return pickChallenge(parseWwwAuthenticate(response.headers['www-authenticate']));
}

export class Sessions {
  private readonly sessions = new Map<string, Promise<Session>>();

  constructor(
    private readonly ping: Ping,
    private readonly insecureRegistries: readonly string[],
  ) {}

  /** The registry's session; the caller stops waiting when `signal` aborts, the shared ping goes on. */
  get(registry: string, signal: AbortSignal | undefined): Promise<Session> {
    let session = this.sessions.get(registry);
    if (session === undefined) {
      session = this.open(registry);
      this.sessions.set(registry, session);
      session.catch(() => this.sessions.delete(registry));
    }
    if (signal?.aborted) return Promise.reject(cancelled(registry));
    return raceSignal(session, signal);
  }

  private async open(registry: string): Promise<Session> {
    const host = apiHost(registry);
    let base = new URL(`https://${host}/`);
    let response: HttpResponse;
    try {
      response = await this.ping(registry, new URL('/v2/', base));
    } catch (error) {
      if (!allowsPlainHttp(host, this.insecureRegistries) || !isPlainHttpAnswer(error)) throw error;
      base = new URL(`http://${host}/`);
      response = await this.ping(registry, new URL('/v2/', base));
    }
    if (response.status === 200) return { base };
    if (response.status === 401) return { base, challenge: challengeOf(response) };
    if (response.status === 404) {
      const message = `${host} does not serve the registry API (GET /v2/ answered 404)`;
      throw new RegistryError({ code: 'UNSUPPORTED', registry, status: 404, message, temporary: false });
    }
    const what = 'the API check GET /v2/';
    throw errorFromResponse({ registry, status: response.status, body: response.body, what, notFound: 'UNSUPPORTED', triedCredentials: 'anonymous' });
  }
}
