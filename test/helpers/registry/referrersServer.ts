/**
 * The OCI 1.1 referrers API in front of a real registry, which distribution 2.8 lacks (it answers 404):
 * everything is proxied to the registry, and each manifest pushed through this server with a `subject` is
 * remembered, so `GET /v2/<name>/referrers/<digest>` answers as distribution-spec spec.md "Listing Referrers" says:
 * an OCI image index of descriptors (mediaType, digest, size, artifactType — the manifest's, else its config's media
 * type — and annotations), filtered by `?artifactType=` with `OCI-Filters-Applied: artifactType`, paged by
 * `pageSize` entries with `Link: <…>; rel="next"` (the `last` parameter, as distribution paginates tags).
 * `applyFilters: false` imitates a registry that ignores the filter (the client must filter).
 */
import { createHash } from 'node:crypto';
import type { RegistryTarget } from './session';
import { proxy, startMisbehavingServer } from './misbehavingServer';
import type { MisbehavingServer } from './misbehavingServer';

export interface ReferrersServer extends MisbehavingServer {
  /** The registry's address as a target for seeding: pushes through it are remembered. */
  readonly target: RegistryTarget;
}

interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly artifactType?: string;
  readonly annotations?: Record<string, string>;
}

const REFERRERS = /^\/v2\/(.+)\/referrers\/([^/]+)$/;
const MANIFESTS = /^\/v2\/(.+)\/manifests\/([^/]+)$/;

export async function startReferrersServer(registry: { url: string }, options: { pageSize?: number; applyFilters?: boolean } = {}): Promise<ReferrersServer> {
  const server = await startMisbehavingServer(proxy(registry));
  const known = new Map<string, Descriptor[]>();
  const pageSize = options.pageSize ?? 100;
  const relay = proxy(registry);

  server.on(MANIFESTS, async (request, response, body) => {
    await relay(request, response, body);
    if (request.method !== 'PUT' || response.statusCode !== 201) return;
    const name = MANIFESTS.exec(new URL(request.url ?? '/', 'http://127.0.0.1').pathname)![1];
    const manifest = JSON.parse(body.toString('utf8')) as {
      mediaType?: string;
      artifactType?: string;
      config?: { mediaType?: string };
      subject?: { digest: string };
      annotations?: Record<string, string>;
    };
    if (manifest.subject === undefined) return;
    const entry: Descriptor = {
      mediaType: manifest.mediaType ?? String(request.headers['content-type']),
      digest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
      size: body.length,
      artifactType: manifest.artifactType ?? manifest.config?.mediaType,
      ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    };
    const key = `${name}@${manifest.subject.digest}`;
    known.set(key, [...(known.get(key) ?? []).filter((other) => other.digest !== entry.digest), entry]);
  });

  server.on(REFERRERS, (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const [, name, digest] = REFERRERS.exec(url.pathname)!;
    const wanted = url.searchParams.get('artifactType');
    let entries = known.get(`${name}@${digest}`) ?? [];
    const headers: Record<string, string> = { 'Content-Type': 'application/vnd.oci.image.index.v1+json' };
    if (wanted !== null && options.applyFilters !== false) {
      entries = entries.filter((entry) => entry.artifactType === wanted);
      headers['OCI-Filters-Applied'] = 'artifactType';
    }
    const start = Number(url.searchParams.get('last') ?? '0');
    const page = entries.slice(start, start + pageSize);
    if (start + pageSize < entries.length) {
      const next = new URLSearchParams(url.searchParams);
      next.set('last', String(start + pageSize));
      headers.Link = `<${url.pathname}?${next.toString()}>; rel="next"`;
    }
    response.writeHead(200, headers);
    response.end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: page }));
  });

  return { ...server, target: { url: server.url } };
}
