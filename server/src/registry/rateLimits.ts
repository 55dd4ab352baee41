/**
 * The pull rate limit each registry announced last (rateLimit.ts reads the headers), kept by the transport
 * for the client's life and bounded in registries.
 */
import { header, type HttpResponse } from './http';
import { parsePolicy, type RateLimitState } from './rateLimit';

/** The limit a response announces, or undefined when it announces none (or one that does not hold together). */
export function rateLimitOf(response: HttpResponse, at: number): RateLimitState | undefined {
  const limit = parsePolicy(header(response, 'ratelimit-limit'));
  const remaining = parsePolicy(header(response, 'ratelimit-remaining'));
  if (limit === undefined || remaining === undefined || remaining.count > limit.count) return undefined;
  const windowSeconds = limit.windowSeconds ?? remaining.windowSeconds;
  return { limit: limit.count, remaining: remaining.count, ...(windowSeconds === undefined ? {} : { windowSeconds }), at };
}

/** The latest limit each registry announced; at most MAX_REGISTRIES are kept (the oldest is dropped). */
export class RateLimits {
  private static readonly MAX_REGISTRIES = 64;
  private readonly byRegistry = new Map<string, RateLimitState>();

  /** Keeps what `response` announces; the clock is read only when it announces something. */
  observe(registry: string, response: HttpResponse, now: () => number): void {
    if (header(response, 'ratelimit-limit') === undefined) return;
    const state = rateLimitOf(response, now());
    if (state === undefined) return;
    this.byRegistry.delete(registry);
    this.byRegistry.set(registry, state);
    if (this.byRegistry.size > RateLimits.MAX_REGISTRIES) this.byRegistry.delete(this.byRegistry.keys().next().value!);
  }

  of(registry: string): RateLimitState | undefined {
    return this.byRegistry.get(registry);
  }
}
