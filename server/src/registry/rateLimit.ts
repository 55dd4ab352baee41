/**
 * Pull rate limits a registry announces: `RateLimit-Limit: 100;w=21600` and `RateLimit-Remaining: 76;w=21600`
 * (Docker Hub, after the IETF RateLimit header fields draft: a count, then an optional window in seconds).
 * Hand-written because the values are hostile input and a few bytes of grammar: a header longer than
 * MAX_HEADER, a count that is not a plain decimal within Number.MAX_SAFE_INTEGER, a window outside
 * 1 s … MAX_WINDOW_S, or a remaining count above the limit gives no answer at all. Several policies
 * separated by commas (`100, 100;w=21600`) are read by their first entry, the one that applies now.
 * CNCF distribution sends neither header; the tests use a proxy in front of it that adds them.
 * rateLimits.ts keeps what each registry announced.
 */

/** What the registry said last, per registry. */
export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  /** The window the limit counts over, in seconds, when said. */
  readonly windowSeconds?: number;
  /** When it was said (ms since the epoch, the client's clock). */
  readonly at: number;
}

const MAX_HEADER = 256;
/** A week: no registry counts pulls over a longer window. */
const MAX_WINDOW_S = 7 * 24 * 3600;
const COUNT = /^\d{1,15}$/;

interface Policy {
  readonly count: number;
  readonly windowSeconds?: number;
}

/** The first policy of a header value (`100;w=21600`), or undefined when it is not one. */
export function parsePolicy(value: string | undefined): Policy | undefined {
  if (value === undefined || value.length > MAX_HEADER) return undefined;
  const [first] = value.split(',');
  const [count, ...params] = first.split(';').map((part) => part.trim());
  if (!COUNT.test(count)) return undefined;
  let windowSeconds: number | undefined;
  for (const param of params) {
    const equals = param.indexOf('=');
    if (equals < 0 || param.slice(0, equals).trim().toLowerCase() !== 'w') continue;
    const window = param.slice(equals + 1).trim();
    if (!COUNT.test(window) || Number(window) < 1 || Number(window) > MAX_WINDOW_S) return undefined;
    windowSeconds = Number(window);
  }
  return windowSeconds === undefined ? { count: Number(count) } : { count: Number(count), windowSeconds };
}

/** A duration in words for people: "45 seconds", "12 minutes", "5 hours 59 minutes". */
export function inWords(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}`;
}

/**
 * Why a registry answered 429, in words to follow its name: the limit when it was announced, and when pulls
 * come back: after the Retry-After it asked for, else within the limit's window (the window is rolling: the
 * oldest pulls leave it first), else not known.
 */
export function tooManyRequestsReason(retryAfterMs: number | undefined, state: RateLimitState | undefined): string {
  const window = state?.windowSeconds === undefined ? '' : ` per ${inWords(state.windowSeconds * 1000)}`;
  const limit = state === undefined ? '' : ` (${state.limit} pull${state.limit === 1 ? '' : 's'}${window}, ${state.remaining} left)`;
  const when =
    retryAfterMs !== undefined
      ? `it asks to wait ${inWords(retryAfterMs)} before trying again`
      : state?.windowSeconds !== undefined
        ? `pulls come back within ${inWords(state.windowSeconds * 1000)}, as the oldest leave the window`
        : 'it does not say when pulls come back';
  return `has reached its pull rate limit${limit}, so ${when}; signing in (docker login) usually gives a higher limit`;
}
