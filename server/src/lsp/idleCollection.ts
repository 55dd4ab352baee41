/**
 * One full garbage collection once the server has gone quiet after work. V8 collects when an
 * allocation needs room, not when work ends, so after validating large files the server otherwise keeps
 * their garbage (several MB of a 1 MB file's analysis) until the next edit. Work is counted from begin()
 * to the function it returns; when none is under way, and none has begun for `quietMs`, `collect`
 * runs once. It runs again only after new work, so an idle server never collects on its own.
 * Time comes from an injected Clock, so tests move it instead of waiting.
 */
import type { Clock } from '../engine';

export class IdleCollection {
  private running = 0;
  private cancelTimer: (() => void) | undefined;
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly quietMs: number,
    private readonly collect: () => void,
  ) {}

  /** Work begins: no collection until it has ended and `quietMs` passed. Returns its end (idempotent). */
  begin(): () => void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.running++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running--;
      if (this.running === 0 && !this.disposed) this.cancelTimer = this.clock.after(this.quietMs, () => this.run());
    };
  }

  /** Cancels the waiting collection; work that ends later schedules none (the server is shutting down). */
  dispose(): void {
    this.disposed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private run(): void {
    this.cancelTimer = undefined;
    this.collect();
  }
}

/**
 * A full collection through the `gc` that node's --expose-gc flag defines (package.json
 * `imageAware.serverExecArgv`). Other editors may launch the server without that flag: then there is no
 * `gc`, and nothing is done, as the server works the same without it.
 */
export function fullGc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
