/**
 * Time as the engine's flows see it. Flows take a Clock instead of calling Date.now and setTimeout,
 * so tests move time forward themselves instead of waiting for it to pass.
 */
export interface Clock {
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; the returned function cancels the call. */
  after(ms: number, callback: () => void): () => void;
}

/** The clock of the machine. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, callback) {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};
