/**
 * Tag lists: `GET /v2/<name>/tags/list?n=…`, read page by page as paging.ts reads every listing.
 * distribution 2.8 ignores `n` and answers everything at once without a Link; Docker Hub, GHCR and Harbor page.
 * All pages together may hold at most `maxTags` tags (Docker Hub pages by 100: 1,000 pages hold its 100,000 tags):
 * past that the list is TOO_LARGE, never cut short, since a short list would make tags look missing.
 * Every entry must be a tag; one that is not makes the answer INVALID_RESPONSE.
 */
import { RegistryError, tooLarge } from './errors';
import { readPages, type PageLimits } from './paging';
import type { Transport } from './transport';
import type { RepositoryName } from './types';
import { requireTag } from './validate';

const PAGE_SIZE = 1000;

export interface TagListLimits extends PageLimits {
  readonly maxTags: number;
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
  const seenTags = new Set<string>();
  const tags: string[] = [];
  let received = 0;
  const request = { registry: repository.registry, repository: repository.path, method: 'GET', accept: 'application/json', signal, what } as const;
  await readPages(transport, { ...request, notFound: 'NAME_UNKNOWN' }, `/v2/${repository.path}/tags/list?n=${PAGE_SIZE}`, limits, now, (response) => {
    const pageTags = parseTagsPage(response.body, repository.registry, what);
    received += pageTags.length;
    if (received > limits.maxTags) throw tooLarge(repository.registry, `${limits.maxTags} tags`, what);
    for (const tag of pageTags) {
      if (!seenTags.has(tag)) {
        seenTags.add(tag);
        tags.push(tag);
      }
    }
  });
  return tags;
}
