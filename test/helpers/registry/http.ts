/**
 * A minimal HTTP client for the test helpers, over node:http and node:https.
 * The helpers use it instead of the global `fetch` because Node 20's `fetch` cannot be told to trust
 * one extra CA without an undici dispatcher, and the TLS registry is signed by a CA made per test.
 * It follows no redirects and adds no headers, so the helpers see exactly what the registry sends.
 * The code under test is free to use `fetch`; this module only seeds and probes.
 */
import http from 'node:http';
import https from 'node:https';

/** The four manifest media types distribution 2.8 serves; a client must accept all of them. */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** The `Accept` header that makes distribution 2.8 answer every manifest as it was pushed. */
export const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');

export interface HttpRequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  /** PEM text of an extra CA to trust (the TLS registry's `caFile` contents). */
  readonly ca?: string | Buffer;
  /** Aborts the request after this many milliseconds; 10 s by default so a hung helper fails. */
  readonly timeoutMs?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** One response header as a string (the first value if it was repeated), or undefined. */
  header(name: string): string | undefined;
  /** The body parsed as JSON. */
  json<T = unknown>(): T;
}

/** Sends one request and reads the whole response body. Network errors reject. */
export function httpRequest(url: string | URL, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) headers['Content-Length'] = String(body.length);
  return new Promise<HttpResponse>((resolve, reject) => {
    const request = transport.request(
      target,
      { method: options.method ?? 'GET', headers, ca: options.ca, timeout: options.timeoutMs ?? 10_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const bodyBytes = Buffer.concat(chunks);
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: bodyBytes,
            header(name: string): string | undefined {
              const value = response.headers[name.toLowerCase()];
              return Array.isArray(value) ? value[0] : value;
            },
            json<T>(): T {
              return JSON.parse(bodyBytes.toString('utf8')) as T;
            },
          });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${options.method ?? 'GET'} ${target.href} timed out`)));
    request.on('error', reject);
    request.end(body);
  });
}
