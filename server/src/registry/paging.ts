/**
 * Paged listings (tag lists, referrers): GET the first page, then follow `Link: <…>; rel="next"` until there is
 * none. Paging stops at a link back to a page already read. All pages together may hold at most `maxBytes` on at
 * most `maxPages` pages: past either the listing is TOO_LARGE, never cut short, since a short list would make
 * entries look missing. A listing that takes longer than `maxMs` in all is a TIMEOUT, however fast each page comes.
 * A Link target on another origin is checked by the transport (hops.ts) and gets no credentials.
 */
import { isRegistryError, RegistryError, tooLarge } from './errors';
import { parseLinkNext } from './headers';
import type { HttpResponse } from './http';
import type { RegistryRequest, Transport } from './transport';

export interface PageLimits {
  readonly maxPages: number;
  readonly maxBytes: number;
  readonly maxMs: number;
}

/** The request of every page; `target` and `maxBodyBytes` are set per page. */
export type PageRequest = Omit<RegistryRequest, 'target' | 'maxBodyBytes'>;

/** Calls `onPage` with each page in order; it throws to stop the listing (too many entries, a bad page). */
export async function readPages(
  transport: Transport,
  request: PageRequest,
  first: string,
  limits: PageLimits,
  now: () => number,
  onPage: (response: HttpResponse) => void,
): Promise<void> {
  const { registry, what } = request;
  const seenPages = new Set<string>();
  let target = first;
  let bytes = 0;
  const started = now();
  for (let page = 0; ; page++) {
    if (page === limits.maxPages) throw tooLarge(registry, `${limits.maxPages} pages`, what);
    if (now() - started > limits.maxMs) {
      const message = `${registry} took more than ${limits.maxMs / 1000} s to list ${what}`;
      throw new RegistryError({ code: 'TIMEOUT', registry, message, temporary: true });
    }
    let response: HttpResponse;
    try {
      response = await transport.request({ ...request, target, maxBodyBytes: limits.maxBytes - bytes });
    } catch (error) {
      // The page went past what was left of the budget for all pages.
      if (isRegistryError(error) && error.code === 'TOO_LARGE') throw tooLarge(registry, `${limits.maxBytes} bytes`, what);
      throw error;
    }
    bytes += response.body.length;
    seenPages.add(response.url.href);
    onPage(response);
    const link = response.headers.link;
    const next = parseLinkNext(Array.isArray(link) ? link : link === undefined ? undefined : String(link));
    if (next === undefined) return;
    if (!URL.canParse(next, response.url.href)) {
      throw new RegistryError({ code: 'INVALID_RESPONSE', registry, message: `${registry} sent a Link that is not a URL for ${what}`, temporary: false });
    }
    const resolved = new URL(next, response.url).href;
    if (seenPages.has(resolved)) return;
    target = resolved;
  }
}
