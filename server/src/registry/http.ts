/**
 * One HTTP request and its answer over node:http / node:https: no redirects (exchange.ts), no retries (retry.ts), no auth.
 * Node's https takes a `ca` per request, which is all a per-registry CA needs, so no dispatcher package is used.
 * Bodies are read up to a limit; failures become `RegistryError`s (TLS, UNREACHABLE, TIMEOUT, ABORTED).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';
import { RegistryError } from './errors';

export interface HttpRequest {
  readonly url: URL;
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Extra trusted CA certificates (PEM) for this host, added to Node's own roots. */
  readonly ca?: string;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** The registry the request is for, used in error messages. */
  readonly registry: string;
}

export interface HttpResponse {
  readonly url: URL;
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** True when the body was longer than `maxBodyBytes` and was cut there. */
  readonly truncated: boolean;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** The most of an error body (status 400 or more) that is read: it is only read for its code and message. */
export const ERROR_BODY_BYTES = 64 * 1024;
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

/** The first value of a response header (names are lowercase). */
export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** True when a TLS handshake failed because the server answered in plain HTTP (so plain HTTP may be tried). */
export function isPlainHttpAnswer(error: unknown): boolean {
  const cause = error instanceof RegistryError ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause === undefined) return false;
  return cause.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|http request/i.test(cause.message ?? '');
}

/** Keep-alive agents, one per scheme and one per extra CA; owned by one client and destroyed with it. */
export class AgentPool {
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgents = new Map<string, https.Agent>();

  agentFor(url: URL, ca: string | undefined): http.Agent {
    if (url.protocol === 'http:') return this.httpAgent;
    const key = ca ?? '';
    let agent = this.httpsAgents.get(key);
    if (agent === undefined) {
      agent = new https.Agent({ keepAlive: true, ca: ca === undefined ? undefined : [...rootCertificates, ca] });
      this.httpsAgents.set(key, agent);
    }
    return agent;
  }

  destroy(): void {
    this.httpAgent.destroy();
    for (const agent of this.httpsAgents.values()) agent.destroy();
    this.httpsAgents.clear();
  }
}

function classify(error: unknown, request: HttpRequest, timedOut: boolean): RegistryError {
  const where = `${request.method} ${request.url.origin}${request.url.pathname}`;
  if (request.signal?.aborted) {
    return new RegistryError({ code: 'ABORTED', registry: request.registry, message: `${where} was cancelled`, cause: error, temporary: false });
  }
  if (timedOut) {
    return new RegistryError({
      code: 'TIMEOUT',
      registry: request.registry,
      message: `${where} got no complete answer within ${request.timeoutMs} ms`,
      cause: error,
    });
  }
  const code = (error as { code?: string }).code ?? '';
  const text = error instanceof Error ? error.message : String(error);
  const tls = TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || (code === '' && /certificate|ssl|tls/i.test(text));
  if (tls && !UNREACHABLE_CODES.has(code)) {
    return new RegistryError({
      code: 'TLS',
      registry: request.registry,
      message: `TLS failed for ${request.url.host}: ${code || text}. Trust the registry's CA (a CA file for this registry, or NODE_EXTRA_CA_CERTS).`,
      cause: error,
      temporary: false,
    });
  }
  const temporary = UNREACHABLE_CODES.has(code) || code === '';
  return new RegistryError({
    code: 'UNREACHABLE',
    registry: request.registry,
    message: `${request.url.host} is unreachable: ${code || text}`,
    cause: error,
    temporary,
  });
}

/** Sends one request and reads the answer; never follows redirects. */
export function send(request: HttpRequest, agents: AgentPool): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    let timedOut = false;
    const module = request.url.protocol === 'http:' ? http : https;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
    const outgoing = module.request(request.url, { method: request.method, headers, agent: agents.agentFor(request.url, request.ca) });

    const finish = (error: unknown, response?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (response !== undefined) resolve(response);
      else reject(classify(error, request, timedOut));
    };
    const onAbort = (): void => {
      outgoing.destroy(new Error('aborted'));
      finish(new Error('aborted'));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error('timeout'));
      finish(new Error('timeout'));
    }, request.timeoutMs);
    timer.unref?.();
    if (request.signal?.aborted) {
      onAbort();
      return;
    }
    request.signal?.addEventListener('abort', onAbort, { once: true });

    outgoing.on('error', (error) => finish(error));
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      let length = 0;
      let truncated = false;
      const done = (): void =>
        finish(undefined, { url: request.url, status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks), truncated });
      const limit = (incoming.statusCode ?? 0) >= 400 ? Math.min(request.maxBodyBytes, ERROR_BODY_BYTES) : request.maxBodyBytes;
      incoming.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = limit - length;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          length += room;
          truncated = true;
          // Settle first: destroying the stream emits 'aborted', which must not turn a body too large into "unreachable".
          done();
          incoming.destroy();
          return;
        }
        chunks.push(chunk);
        length += chunk.length;
      });
      incoming.on('end', done);
      incoming.on('error', (error) => finish(error));
      incoming.on('aborted', () => finish(new Error('the connection closed before the answer was complete')));
    });
    outgoing.end(request.body);
  });
}
