/**
 * One entry per registry that the open documents ask, for the client's status bar: whether it
 * answered the last questions of each document, and if not, why (the engine's reason, in words).
 * A registry's problem is told once here instead of as a diagnostic in every file that names it.
 * Each document's last fetch counts until it is fetched again or forgotten; across documents the
 * latest word about a registry wins. An answer served from the cache because the registry could not
 * be reached counts as unreachable. `onDidChange` fires only when what the client shows changes.
 */
import { Emitter } from 'vscode-languageserver/node';
import type { Event } from 'vscode-languageserver/node';
import type { RegistryFacts, RegistryProblemKind } from '../core';
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
    const problem = facts.problems.get(host);
    if (problem) {
      entries.set(host, { host, state: STATES[problem.kind], reason: problem.reason, when });
      continue;
    }
    const stale = [...cached].some((key) => key.startsWith(`${host}/`));
    const reason = stale ? `${host} could not be reached, so earlier answers are shown.` : null;
    entries.set(host, { host, state: stale ? 'unreachable' : 'reachable', reason, when });
  }
  return entries;
}

export class RegistryStatus {
  private readonly byUri = new Map<string, Map<string, RegistryStatusEntry>>();
  private shown = '[]';
  private readonly changed = new Emitter<readonly RegistryStatusEntry[]>();

  /** Fires with every entry, sorted by host, when the state or reason of one changes. */
  readonly onDidChange: Event<readonly RegistryStatusEntry[]> = this.changed.event;

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
    this.changed.dispose();
  }

  private update(): void {
    const entries = this.entries();
    // The time alone changing is no news for the status bar.
    const shown = JSON.stringify(entries.map(({ host, state, reason }) => [host, state, reason]));
    if (shown === this.shown) return;
    this.shown = shown;
    this.changed.fire(entries);
  }
}
