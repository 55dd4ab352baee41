/**
 * The retry policy: 408, 429, 502, 503 and 504 are retried after the Retry-After the registry asks for (seconds or
 * an HTTP date) or else after an exponential backoff with jitter, and a reset keep-alive connection (ECONNRESET,
 * EPIPE) after the backoff, up to `maxRetries` retries. A Retry-After longer than `maxRetryDelayMs` is not waited
 * for: that answer is returned as it is. Each attempt takes a slot of the registry's concurrency limit and gives it
 * back before waiting; every wait ends at once, as ABORTED, when the caller's signal aborts.
 */
import { sleep } from './abort';
import { cancelled, RegistryError } from './errors';
import { parseRetryAfter } from './headers';
import { header, type HttpResponse } from './http';
import { KeyedLimiter } from './limiter';

export interface RetryOptions {
  readonly maxRetries: number;
  /** The longest wait for one retry; a registry asking for longer gets its answer back at once. */
  readonly maxRetryDelayMs: number;
  readonly backoffMs: number;
  /** At most this many attempts per registry at once. */
  readonly concurrency: number;
}

const RETRY_STATUSES = new Set([408, 429, 502, 503, 504]);

export class Retries {
  private readonly limiter: KeyedLimiter;

  constructor(private readonly options: RetryOptions) {
    this.limiter = new KeyedLimiter(options.concurrency);
  }

  /** Runs `attempt` under the registry's concurrency limit, retrying throttling, gateway errors and reset connections. */
  async run(registry: string, signal: AbortSignal | undefined, attempt: () => Promise<HttpResponse>): Promise<HttpResponse> {
    for (let tries = 0; ; tries++) {
      const last = tries >= this.options.maxRetries;
      let response: HttpResponse;
      try {
        response = await this.limiter.run(registry, attempt, signal, () => cancelled(registry));
      } catch (error) {
        if (last || !isResetConnection(error)) throw error;
        await this.wait(this.backoff(tries), signal, registry);
        continue;
      }
      if (last || !RETRY_STATUSES.has(response.status)) return response;
      const asked = parseRetryAfter(header(response, 'retry-after'));
      if (asked !== undefined && asked > this.options.maxRetryDelayMs) return response;
      await this.wait(asked ?? this.backoff(tries), signal, registry);
    }
  }

  private backoff(tries: number): number {
    const exponential = this.options.backoffMs * 2 ** tries;
    return Math.min(this.options.maxRetryDelayMs, exponential * (0.75 + Math.random() * 0.5));
  }

  private async wait(ms: number, signal: AbortSignal | undefined, registry: string): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw cancelled(registry, error);
    }
  }
}

function isResetConnection(error: unknown): boolean {
  if (!(error instanceof RegistryError) || error.code !== 'UNREACHABLE') return false;
  const code = (error.cause as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}
