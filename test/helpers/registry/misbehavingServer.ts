/**
 * A loopback HTTP server that misbehaves on purpose, for the registry client's failure tests:
 * slow answers, hangs, 5xx, 429 with Retry-After, redirects to another host, and bodies that
 * trickle in. It can also proxy to a real registry, so one route can fail while the rest work.
 * Every request is recorded with its headers (Authorization included) before it is answered, so a
 * second instance serves as the "other host" of a redirect and shows which credentials leaked to it.
 * Behaviours are small handler factories composed per route, for example
 * `server.on('/v2/', sequence(tooManyRequests(1), proxy(registry)))`.
 */
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { httpRequest } from './http';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** Path only, which is what `count()` and routes match. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly bodySize: number;
}

/** Answers one request; body is the whole request body, already read. */
export type Handler = (request: IncomingMessage, response: ServerResponse, body: Buffer) => void | Promise<void>;

export interface MisbehavingServer {
  /** `http://127.0.0.1:PORT`, or `https://…` when started with TLS files. */
  readonly url: string;
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  readonly requests: readonly RecordedRequest[];
  /** How many requests came for exactly this path, or in total without one. */
  count(path?: string): number;
  /** Routes a path (exact string, or a RegExp tested on the path) to handler; the newest route wins. */
  on(path: string | RegExp, handler: Handler): void;
  /** Forgets the recorded requests. */
  resetRequests(): void;
  stop(): Promise<void>;
}

/** Answers status with an optional body and headers. */
export function respond(status: number, body: string | Buffer = '', headers: Record<string, string> = {}): Handler {
  return (_request, response) => {
    response.writeHead(status, headers);
    response.end(body);
  };
}

/** Answers JSON, for example a registry error body. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): Handler {
  return respond(status, JSON.stringify(value), { 'Content-Type': 'application/json', ...headers });
}

/** A distribution-style error answer: `{"errors":[{"code","message"}]}`. */
export function registryError(status: number, code: string, message = code.toLowerCase(), headers: Record<string, string> = {}): Handler {
  return json(status, { errors: [{ code, message, detail: null }] }, headers);
}

/** 429 with `Retry-After` (seconds, or an HTTP date string). */
export function tooManyRequests(retryAfter: number | string): Handler {
  return registryError(429, 'TOOMANYREQUESTS', 'too many requests', { 'Retry-After': String(retryAfter) });
}

/** Redirects to location (an absolute URL on another server), 307 by default like registries' blob stores. */
export function redirect(location: string, status = 307): Handler {
  return respond(status, '', { Location: location });
}

/** Waits ms before handing the request to then; a client that gives up first gets nothing. */
export function delay(ms: number, then: Handler): Handler {
  return (request, response, body) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => resolve(then(request, response, body)), ms);
      response.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

/** Never answers; the connection stays open until the client gives up or the server stops. */
export function hang(): Handler {
  return () => undefined;
}

/** Sends the headers at once, then the body in chunks with a pause between them. */
export function slowBody(
  status: number,
  body: string | Buffer,
  options: { chunkBytes?: number; intervalMs?: number; headers?: Record<string, string> } = {},
): Handler {
  const bytes = Buffer.from(body);
  const chunk = options.chunkBytes ?? 16;
  return (_request, response) =>
    new Promise<void>((resolve) => {
      response.writeHead(status, { 'Content-Length': String(bytes.length), ...options.headers });
      let offset = 0;
      const timer = setInterval(() => {
        if (response.destroyed || offset >= bytes.length) {
          clearInterval(timer);
          response.end();
          resolve();
          return;
        }
        response.write(bytes.subarray(offset, (offset += chunk)));
      }, options.intervalMs ?? 100);
    });
}

/** The nth request gets the nth handler; the last one answers every request after that. */
export function sequence(...handlers: Handler[]): Handler {
  let calls = 0;
  return (request, response, body) => handlers[Math.min(calls++, handlers.length - 1)](request, response, body);
}

/**
 * Forwards the request to a real server (a running registry) and relays its answer. `Location`
 * headers that point at the target are rewritten to point back at this server, so uploads and
 * redirects keep going through the proxy.
 */
export function proxy(target: { url: string; caFile?: string }): Handler {
  const ca = target.caFile ? readFileSync(target.caFile, 'utf8') : undefined;
  const targetOrigin = new URL(target.url).origin;
  return async (request, response, body) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && !['host', 'connection', 'content-length'].includes(name)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const answer = await httpRequest(new URL(request.url ?? '/', targetOrigin), {
      method: request.method,
      headers,
      body: body.length > 0 ? body : undefined,
      ca,
    });
    const ownOrigin = `${(request.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http'}://${request.headers.host}`;
    const relayed: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined || name === 'connection' || name === 'keep-alive' || name === 'transfer-encoding') continue;
      relayed[name] = name === 'location' && typeof value === 'string' && value.startsWith(targetOrigin) ? ownOrigin + value.slice(targetOrigin.length) : value;
    }
    response.writeHead(answer.status, relayed);
    response.end(answer.body);
  };
}

/** Certificate and key (PEM files) to serve HTTPS with, for example from ./certificates createTlsFiles. */
export interface ServerTls {
  readonly certFile: string;
  readonly keyFile: string;
}

/** Starts a server on 127.0.0.1; requests that match no route get fallback (404 by default). With `tls`, it serves HTTPS. */
export async function startMisbehavingServer(fallback: Handler = respond(404, 'no route\n'), tls?: ServerTls): Promise<MisbehavingServer> {
  const requests: RecordedRequest[] = [];
  const routes: Array<{ path: string | RegExp; handler: Handler }> = [];

  const listener: RequestListener = (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      requests.push({ method: request.method ?? 'GET', url: request.url ?? '/', path, headers: request.headers, bodySize: body.length });
      const route = routes.find((r) => (typeof r.path === 'string' ? r.path === path : r.path.test(path)));
      Promise.resolve((route?.handler ?? fallback)(request, response, body)).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { 'Content-Type': 'text/plain' });
        response.end(`misbehaving server handler failed: ${String(error)}\n`);
      });
    });
  };
  const server = tls === undefined ? createServer(listener) : createTlsServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Unreferenced, so that a test which forgets stop() still lets its process end.
  server.unref();
  const port = (server.address() as AddressInfo).port;

  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    count: (path) => (path === undefined ? requests.length : requests.filter((r) => r.path === path).length),
    on: (path, handler) => void routes.unshift({ path, handler }),
    resetRequests: () => void requests.splice(0),
    async stop(): Promise<void> {
      // Hanging and slow handlers keep connections open; close them rather than wait.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sets these headers on every answer `then` gives (they merge with the headers it writes). */
export function withHeaders(headers: Record<string, string>, then: Handler): Handler {
  return (request, response, body) => {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    return then(request, response, body);
  };
}

/**
 * Docker Hub's pull rate limit in front of `then` (distribution sends no RateLimit headers): each GET of a
 * manifest counts one pull, a HEAD counts none, every answer carries `RateLimit-Limit: limit;w=window` and
 * `RateLimit-Remaining`, and a GET past the limit gets 429 TOOMANYREQUESTS (with Retry-After when given).
 */
export function pullRateLimit(limit: number, windowSeconds: number, then: Handler, retryAfter?: number): Handler {
  let remaining = limit;
  return (request, response, body) => {
    const counts = request.method === 'GET' && /\/manifests\//.test(request.url ?? '');
    const refused = counts && remaining === 0;
    if (counts && !refused) remaining--;
    response.setHeader('RateLimit-Limit', `${limit};w=${windowSeconds}`);
    response.setHeader('RateLimit-Remaining', `${remaining};w=${windowSeconds}`);
    if (!refused) return then(request, response, body);
    const headers: Record<string, string> = retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) };
    return registryError(429, 'TOOMANYREQUESTS', 'You have reached your pull rate limit.', headers)(request, response, body);
  };
}
