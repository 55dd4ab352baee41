/**
 * Bounded concurrency per key (per registry): at most `limit` tasks run at once, the rest wait in FIFO order.
 * A waiting task whose signal aborts leaves the queue without ever running.
 */

interface Waiter {
  readonly start: () => void;
  readonly signal?: AbortSignal;
  readonly onAbort: () => void;
}

interface Lane {
  running: number;
  readonly queue: Waiter[];
}

export class KeyedLimiter {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  /** Runs `task` when a slot for `key` is free; rejects with `abortError()` if `signal` aborts first. */
  async run<T>(key: string, task: () => Promise<T>, signal: AbortSignal | undefined, abortError: () => Error): Promise<T> {
    await this.acquire(key, signal, abortError);
    try {
      return await task();
    } finally {
      this.release(key);
    }
  }

  /** How many tasks run and wait for `key` (for tests and tracing). */
  load(key: string): { running: number; waiting: number } {
    const lane = this.lanes.get(key);
    return { running: lane?.running ?? 0, waiting: lane?.queue.length ?? 0 };
  }

  private acquire(key: string, signal: AbortSignal | undefined, abortError: () => Error): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { running: 0, queue: [] };
      this.lanes.set(key, lane);
    }
    if (lane.running < this.limit) {
      lane.running++;
      return Promise.resolve();
    }
    const current = lane;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        start: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const index = current.queue.indexOf(waiter);
          if (index >= 0) current.queue.splice(index, 1);
          reject(abortError());
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      current.queue.push(waiter);
    });
  }

  private release(key: string): void {
    const lane = this.lanes.get(key);
    if (lane === undefined) return;
    const next = lane.queue.shift();
    if (next !== undefined) {
      next.start(); // the slot passes straight to the next waiter
      return;
    }
    lane.running--;
    if (lane.running === 0) this.lanes.delete(key);
  }
}
