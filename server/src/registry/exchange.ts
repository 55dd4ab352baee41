/**
 * One logical exchange: a request and the redirects it is sent through, followed by hand (at most
 * MAX_REDIRECTS). Every hop must pass `checkHop`; Authorization goes only to the first host and scheme and is
 * dropped for good at the first hop that changes either. A POST is never redirected. Each hop's TLS trusts
 * the CA file of the host it goes to, and each hop is reported to `onRequest` without headers or bodies.
 */
import { CaFiles } from './caFiles';
import { RegistryError, type RegistryErrorCode } from './errors';
import { checkHop } from './hops';
import { hostOf } from './hosts';
import { AgentPool, header, send, type HttpResponse } from './http';

/** One HTTP exchange, for tracing: never carries headers or bodies. */
export interface RequestEvent {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly error?: RegistryErrorCode;
  readonly ms: number;
}

export interface ExchangeOptions {
  readonly insecureRegistries: readonly string[];
  /** host[:port] → path of a PEM file with extra CA certificates for that host. */
  readonly caFiles: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly onRequest?: (event: RequestEvent) => void;
}

export interface ExchangeContext {
  /** The registry the exchange is for, in messages. */
  readonly registry: string;
  readonly signal?: AbortSignal;
  readonly maxBodyBytes: number;
  readonly body?: string;
}

export type Method = 'GET' | 'HEAD' | 'POST';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Sends exchanges over keep-alive connections that live until `close`. */
export class Exchanger {
  private readonly agents = new AgentPool();
  private readonly cas: CaFiles;

  constructor(private readonly options: ExchangeOptions) {
    this.cas = new CaFiles(options.caFiles);
  }

  close(): void {
    this.agents.destroy();
  }

  /** The answer to `method url`, after any redirects: whatever its status, or a `RegistryError`. */
  async exchange(url: URL, method: Method, headers: Record<string, string>, context: ExchangeContext): Promise<HttpResponse> {
    let current = url;
    let sendCredentials = true;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const outgoing: Record<string, string> = { 'user-agent': this.options.userAgent, ...headers };
      if (!sendCredentials) delete outgoing.authorization;
      const response = await this.traced(method, current, () =>
        send(
          {
            url: current,
            method,
            headers: outgoing,
            body: context.body,
            ca: this.cas.for(current),
            signal: context.signal,
            timeoutMs: this.options.timeoutMs,
            maxBodyBytes: context.maxBodyBytes,
            registry: context.registry,
          },
          this.agents,
        ),
      );
      const location = header(response, 'location');
      if (!REDIRECT_STATUSES.has(response.status) || location === undefined || method === 'POST') return response;
      if (!URL.canParse(location, current.href)) {
        const message = `${current.host} redirected to something that is not a URL`;
        throw new RegistryError({ code: 'INVALID_RESPONSE', registry: context.registry, message, temporary: false });
      }
      const next = new URL(location, current);
      checkHop(current, next, 'redirected', context.registry, this.options.insecureRegistries);
      if (hostOf(next) !== hostOf(url) || next.protocol !== url.protocol) sendCredentials = false;
      current = next;
    }
    const message = `${url.host} redirected more than ${MAX_REDIRECTS} times`;
    throw new RegistryError({ code: 'INVALID_RESPONSE', registry: context.registry, message, temporary: false });
  }

  /** Runs one hop and reports it to `onRequest`, answered or failed. */
  private async traced(method: Method, url: URL, hop: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const started = Date.now();
    let response: HttpResponse;
    try {
      response = await hop();
    } catch (error) {
      this.options.onRequest?.({ method, url: url.href, error: (error as RegistryError).code, ms: Date.now() - started });
      throw error;
    }
    this.options.onRequest?.({ method, url: url.href, status: response.status, ms: Date.now() - started });
    return response;
  }
}
