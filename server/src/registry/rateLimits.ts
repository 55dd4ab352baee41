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
  /** Longer than any one exchange takes to come back (the timeout is 15 s, but answers cross within moments). */
  private static readonly IN_FLIGHT_MS = 2000;
  private readonly byRegistry = new Map<string, RateLimitState>();

  /** Keeps what `response` announces; the clock is read only when it announces something. */
  observe(registry: string, response: HttpResponse, now: () => number): void {
    if (header(response, 'ratelimit-limit') === undefined) return;
    const state = rateLimitOf(response, now());
    if (state === undefined || this.crossedInFlight(this.byRegistry.get(registry), state)) return;
    this.byRegistry.delete(registry);
    this.byRegistry.set(registry, state);
    if (this.byRegistry.size > RateLimits.MAX_REGISTRIES) this.byRegistry.delete(this.byRegistry.keys().next().value!);
  }

  /**
   * Answers to concurrent requests can arrive out of order: a higher remaining count under the same limit, within
   * IN_FLIGHT_MS of the lower one, was counted earlier, so the lower one stays. Past that, the window has let pulls back.
   */
  private crossedInFlight(kept: RateLimitState | undefined, next: RateLimitState): boolean {
    return (
      kept !== undefined &&
      kept.limit === next.limit &&
      kept.windowSeconds === next.windowSeconds &&
      next.remaining > kept.remaining &&
      next.at - kept.at < RateLimits.IN_FLIGHT_MS
    );
  }

  of(registry: string): RateLimitState | undefined {
    return this.byRegistry.get(registry);
  }
}
