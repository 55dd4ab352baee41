/**
 * One entry per registry that the open documents ask, for the client's status bar: whether it
 * answered the last questions of each document, and if not, why (the engine's reason, in words).
 * A registry's problem is told once here instead of as a diagnostic in every file that names it.
 * Each document's last fetch counts until it is fetched again or forgotten; across documents the
 * latest word about a registry wins. An answer served from the cache because the registry could not
 * be reached counts as unreachable. Each entry carries the pull rate limit the registry announced last.
 * `onDidChange` fires only when what the client shows changes: a state or reason at once; a rate limit
 * when it turns low or back (at once), or moves to another step (rateLimitStep), at most once per
 * MIN_RATE_INTERVAL_MS: a burst of pulls sends one notification, the latest, not one per pull.
 */
import { Emitter } from 'vscode-languageserver/node';
import type { Event } from 'vscode-languageserver/node';
import { isRateLimitLow } from '../core';
import type { RateLimitFact, RegistryFacts, RegistryProblemKind } from '../core';
import { systemClock } from '../engine';
import type { Clock } from '../engine';
import type { RegistryState, RegistryStatusEntry } from './protocol';

const STATES: Readonly<Record<RegistryProblemKind, RegistryState>> = {
  unreachable: 'unreachable',
  timeout: 'unreachable',
  tls: 'unreachable',
  unauthorized: 'refused',
  'too-many-requests': 'too-much',
  'invalid-answer': 'invalid',
};

/** What one document's fetch said about each registry it asked. */
function entriesOf(registries: readonly string[], facts: RegistryFacts, when: string): Map<string, RegistryStatusEntry> {
  const entries = new Map<string, RegistryStatusEntry>();
  const cached = new Set<string>();
  for (const [key, answer] of facts.manifests) if (answer.status === 'found' && answer.stale) cached.add(key);
  for (const host of registries) {
    const limit = facts.rateLimits?.get(host);
    const rateLimit = limit === undefined ? {} : { rateLimit: limit };
    const problem = facts.problems.get(host);
    if (problem) {
      entries.set(host, { host, state: STATES[problem.kind], reason: problem.reason, when, ...rateLimit });
      continue;
    }
    const stale = [...cached].some((key) => key.startsWith(`${host}/`));
    const reason = stale ? `${host} could not be reached, so earlier answers are shown.` : null;
    entries.set(host, { host, state: stale ? 'unreachable' : 'reachable', reason, when, ...rateLimit });
  }
  return entries;
}

/** A rate limit alone changing is sent at most this often. */
export const MIN_RATE_INTERVAL_MS = 5000;

/**
 * What of a rate limit is news: its limit and window, whether it is low, and the remaining count by the
 * twentieth of the limit, exact at ten and below (where "3 pulls left" is shown): at most about thirty
 * notifications over a whole window, however many pulls.
 */
export function rateLimitStep(fact: RateLimitFact | undefined): string {
  if (fact === undefined) return '';
  const step = Math.max(1, Math.floor(fact.limit / 20));
  const remaining = fact.remaining <= 10 ? fact.remaining : `~${Math.floor(fact.remaining / step)}`;
  return `${fact.limit}/${fact.windowSeconds ?? ''}/${isRateLimitLow(fact) ? 'low' : ''}/${remaining}`;
}

export interface RegistryStatusOptions {
  /** At most one notification per this many ms for rate limit steps alone (MIN_RATE_INTERVAL_MS). */
  readonly minRateIntervalMs?: number;
  /** Time, so that tests move it instead of waiting. */
  readonly clock?: Clock;
}

export class RegistryStatus {
  private readonly byUri = new Map<string, Map<string, RegistryStatusEntry>>();
  private shown = '[]';
  private shownLimits = '[]';
  private shownLow = '[]';
  private limitsSentAt = -Infinity;
  /** Cancels the notification waiting for the interval to end, when one is. */
  private cancelPending: (() => void) | undefined;
  private readonly changed = new Emitter<readonly RegistryStatusEntry[]>();
  private readonly minRateIntervalMs: number;
  private readonly clock: Clock;

  /** Fires with every entry, sorted by host, when what the client shows of one changes (see the top). */
  readonly onDidChange: Event<readonly RegistryStatusEntry[]> = this.changed.event;

  constructor(options: RegistryStatusOptions = {}) {
    this.minRateIntervalMs = options.minRateIntervalMs ?? MIN_RATE_INTERVAL_MS;
    this.clock = options.clock ?? systemClock;
  }

  /** Records what a document's fetch said about the registries it asked (`registries`: hosts as the images write them). */
  record(uri: string, registries: readonly string[], facts: RegistryFacts, now: Date): void {
    this.byUri.set(uri, entriesOf([...new Set(registries)], facts, now.toISOString()));
    this.update();
  }

  forget(uri: string): void {
    if (this.byUri.delete(uri)) this.update();
  }

  /** The documents whose last fetch asked `host`. */
  documentsAsking(host: string): string[] {
    return [...this.byUri].filter(([, entries]) => entries.has(host)).map(([uri]) => uri);
  }

  entries(): RegistryStatusEntry[] {
    const latest = new Map<string, RegistryStatusEntry>();
    for (const entries of this.byUri.values()) {
      for (const entry of entries.values()) {
        const known = latest.get(entry.host);
        if (!known || known.when <= entry.when) latest.set(entry.host, entry);
      }
    }
    return [...latest.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  }

  dispose(): void {
    this.cancelPending?.();
    this.cancelPending = undefined;
    this.changed.dispose();
  }

  private update(): void {
    const entries = this.entries();
    // The time alone changing is no news for the status bar.
    const shown = JSON.stringify(entries.map(({ host, state, reason }) => [host, state, reason]));
    const limits = JSON.stringify(entries.map(({ host, rateLimit }) => [host, rateLimitStep(rateLimit)]));
    const low = JSON.stringify(entries.filter(({ rateLimit }) => isRateLimitLow(rateLimit)).map(({ host }) => host));
    if (shown === this.shown && limits === this.shownLimits) return;
    const wait = this.limitsSentAt + this.minRateIntervalMs - this.clock.now();
    if (shown === this.shown && low === this.shownLow && wait > 0) {
      // Only a step of a rate limit: sent once the interval is over, with whatever is latest then.
      this.cancelPending ??= this.clock.after(wait, () => {
        this.cancelPending = undefined;
        this.update();
      });
      return;
    }
    this.cancelPending?.();
    this.cancelPending = undefined;
    this.shown = shown;
    this.shownLimits = limits;
    this.shownLow = low;
    this.limitsSentAt = this.clock.now();
    this.changed.fire(entries);
  }
}
