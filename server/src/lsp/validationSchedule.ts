/**
 * When each open document is validated. Until a document's first validation since it opened has run,
 * a validation starts at once, so its diagnostics appear as soon as they are computed; every later one
 * (an edit, new settings, a workspace change) waits until the document has been quiet for `quietMs`,
 * so typing does not start an analysis per keystroke. An edit's quiet period counts from when the change
 * arrived, so the work of applying it to the document is part of the wait, not added to it. A newer
 * request for a document replaces the one waiting, and asks afresh if either did: a refresh the user
 * asked for is never lost to a later edit or workspace change.
 * Time comes from an injected Clock, so tests move it instead of waiting.
 */
import type { Clock } from '../engine';

export class ValidationSchedule {
  /** The validation waiting for each document: its cancel function, and whether it asks afresh. */
  private readonly waiting = new Map<string, { readonly cancel: () => void; readonly fresh: boolean }>();
  /** Documents validated since they opened. */
  private readonly validated = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly quietMs: number,
    private readonly validate: (uri: string, version: number, fresh: boolean) => void,
  ) {}

  /** `changedAt` is the clock's time when the change that asks for this validation arrived, if a change did. */
  schedule(uri: string, version: number, fresh: boolean, changedAt?: number): void {
    const replaced = this.waiting.get(uri);
    replaced?.cancel();
    const asksAfresh = fresh || (replaced?.fresh ?? false);
    const sinceChange = changedAt === undefined ? 0 : Math.max(0, this.clock.now() - changedAt);
    const delay = this.validated.has(uri) ? Math.max(0, this.quietMs - sinceChange) : 0;
    const cancel = this.clock.after(delay, () => {
      this.waiting.delete(uri);
      this.validated.add(uri);
      this.validate(uri, version, asksAfresh);
    });
    this.waiting.set(uri, { cancel, fresh: asksAfresh });
  }

  /** Drops the waiting validation of a closed document; when it opens again, its first validation is immediate. */
  forget(uri: string): void {
    this.waiting.get(uri)?.cancel();
    this.waiting.delete(uri);
    this.validated.delete(uri);
  }

  dispose(): void {
    for (const { cancel } of this.waiting.values()) cancel();
    this.waiting.clear();
    this.validated.clear();
  }
}
