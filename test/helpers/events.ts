/**
 * Waiting for events instead of for time: a `Deferred` is a promise the test (or a stand-in server)
 * settles when something happens, so a gate opens exactly when the test says; `Changes` wakes a
 * condition each time an observer reports a change, so a test resumes at the change that made the
 * condition true. Each wait has a bound that only turns a hang into a failure naming what did not happen.
 */

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

/** A promise and the function that resolves it (Promise.withResolvers arrives in Node 22). */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** `promise`'s value, or a failure saying that `what` did not happen within `ms` (and `detail()`, if given). */
export function within<T>(promise: Promise<T>, what: string, ms = 10_000, detail?: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms${detail ? `\n${detail()}` : ''}`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** Conditions checked when an observer calls `notify`, rather than on a timer. */
export class Changes {
  private readonly waiters = new Set<() => void>();

  notify(): void {
    for (const check of [...this.waiters]) check();
  }

  /** Resolves once `condition` holds: at once, or at the first `notify` after which it does. */
  until(condition: () => boolean, what: string, ms = 10_000, detail?: () => string): Promise<void> {
    const met = deferred();
    const check = (): void => {
      if (condition()) met.resolve();
    };
    this.waiters.add(check);
    check();
    return within(met.promise, what, ms, detail).finally(() => this.waiters.delete(check));
  }
}
