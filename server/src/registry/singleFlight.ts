/**
 * Concurrent identical requests share one promise (Go's singleflight).
 * The shared work gets its own AbortSignal, which aborts only when every caller waiting for it has left;
 * a caller whose own signal aborts leaves at once with `abortError()`, and the others keep waiting.
 */

interface Flight {
  readonly promise: Promise<unknown>;
  readonly controller: AbortController;
  waiters: number;
}

export class SingleFlight {
  private readonly flights = new Map<string, Flight>();

  /** How many distinct pieces of work are running (for tests). */
  get size(): number {
    return this.flights.size;
  }

  run<T>(key: string, work: (signal: AbortSignal) => Promise<T>, signal: AbortSignal | undefined, abortError: () => Error): Promise<T> {
    if (signal?.aborted) return Promise.reject(abortError());
    let flight = this.flights.get(key);
    if (flight === undefined) {
      const controller = new AbortController();
      const created: Flight = { controller, waiters: 0, promise: Promise.resolve() };
      const promise = (async () => work(controller.signal))().finally(() => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      });
      promise.catch(() => undefined); // a flight everyone left may still reject; nobody is listening then
      (created as { promise: Promise<unknown> }).promise = promise;
      this.flights.set(key, created);
      flight = created;
    }
    const joined = flight;
    joined.waiters++;
    return new Promise<T>((resolve, reject) => {
      let left = false;
      const leave = (): void => {
        if (left) return;
        left = true;
        signal?.removeEventListener('abort', onAbort);
        joined.waiters--;
      };
      const onAbort = (): void => {
        leave();
        if (joined.waiters === 0) {
          if (this.flights.get(key) === joined) this.flights.delete(key);
          joined.controller.abort(signal?.reason);
        }
        reject(abortError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      joined.promise.then(
        (value) => {
          if (left) return;
          leave();
          resolve(value as T);
        },
        (error: unknown) => {
          if (left) return;
          leave();
          reject(error);
        },
      );
    });
  }
}
