/**
 * Tag lists: `GET /v2/<name>/tags/list?n=…`, following `Link: <…>; rel="next"` pages until there are none.
 * distribution 2.8 ignores `n` and answers everything at once without a Link; Docker Hub, GHCR and Harbor page.
 * Paging stops at a link back to a page already read. All pages together may hold at most `maxTags` tags in
 * `maxBytes`, on at most `maxPages` pages (Docker Hub pages by 100: 1,000 pages hold its 100,000 tags): past any of
 * these the list is TOO_LARGE, never cut short, since a short list would make tags look missing. A listing that
 * takes longer than `maxMs` in all is a TIMEOUT, however fast each page comes.
 * Every entry must be a tag; one that is not makes the answer INVALID_RESPONSE.
 */
import { isRegistryError, RegistryError, tooLarge } from './errors';
import { parseLinkNext } from './headers';
import type { HttpResponse } from './http';
import type { Transport } from './transport';
import type { RepositoryName } from './types';
import { requireTag } from './validate';

const PAGE_SIZE = 1000;

export interface TagListLimits {
  readonly maxPages: number;
  readonly maxTags: number;
  readonly maxBytes: number;
  readonly maxMs: number;
}

export const TAG_LIST_LIMITS: TagListLimits = { maxPages: 1000, maxTags: 100_000, maxBytes: 16 * 1024 * 1024, maxMs: 120_000 };

/** Reads the `tags` of one page; null (an empty repository on some registries) means none. */
export function parseTagsPage(body: Uint8Array, registry: string, what: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new RegistryError({ code: 'INVALID_RESPONSE', registry, message: `${what}: the answer is not JSON`, temporary: false });
  }
  const tags = typeof parsed === 'object' && parsed !== null ? (parsed as { tags?: unknown }).tags : undefined;
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags)) throw new RegistryError({ code: 'INVALID_RESPONSE', registry, message: `${what}: "tags" is not a list`, temporary: false });
  return tags.map((tag) => requireTag(tag, registry, what));
}

export async function fetchTags(
  transport: Transport,
  repository: RepositoryName,
  signal?: AbortSignal,
  limits: TagListLimits = TAG_LIST_LIMITS,
  now: () => number = Date.now,
): Promise<string[]> {
  const what = `the tags of ${repository.registry}/${repository.path}`;
  const seenPages = new Set<string>();
  const seenTags = new Set<string>();
  const tags: string[] = [];
  let target = `/v2/${repository.path}/tags/list?n=${PAGE_SIZE}`;
  let bytes = 0;
  let received = 0;
  const started = now();
  for (let page = 0; ; page++) {
    if (page === limits.maxPages) throw tooLarge(repository.registry, `${limits.maxPages} pages`, what);
    if (now() - started > limits.maxMs) {
      const message = `${repository.registry} took more than ${limits.maxMs / 1000} s to list ${what}`;
      throw new RegistryError({ code: 'TIMEOUT', registry: repository.registry, message, temporary: true });
    }
    let response: HttpResponse;
    try {
      response = await transport.request({
        registry: repository.registry,
        repository: repository.path,
        method: 'GET',
        target,
        accept: 'application/json',
        signal,
        maxBodyBytes: limits.maxBytes - bytes,
        what,
        notFound: 'NAME_UNKNOWN',
      });
    } catch (error) {
      // The page went past what was left of the budget for all pages.
      if (isRegistryError(error) && error.code === 'TOO_LARGE') throw tooLarge(repository.registry, `${limits.maxBytes} bytes`, what);
      throw error;
    }
    bytes += response.body.length;
    seenPages.add(response.url.href);
    const pageTags = parseTagsPage(response.body, repository.registry, what);
    received += pageTags.length;
    if (received > limits.maxTags) throw tooLarge(repository.registry, `${limits.maxTags} tags`, what);
    for (const tag of pageTags) {
      if (!seenTags.has(tag)) {
        seenTags.add(tag);
        tags.push(tag);
      }
    }
    const link = response.headers.link;
    const next = parseLinkNext(Array.isArray(link) ? link : link === undefined ? undefined : String(link));
    if (next === undefined) return tags;
    if (!URL.canParse(next, response.url.href)) {
      const message = `${repository.registry} sent a Link that is not a URL for ${what}`;
      throw new RegistryError({ code: 'INVALID_RESPONSE', registry: repository.registry, message, temporary: false });
    }
    const resolved = new URL(next, response.url).href;
    if (seenPages.has(resolved)) return tags;
    target = resolved;
  }
}
