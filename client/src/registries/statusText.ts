/**
 * What the registry status bar item says, from the server's imageAware/registryStatus entries: the
 * registries with a problem counted in one line, each named with its reason and when in the tooltip,
 * with the pulls it has left when it announced a rate limit. While every registry answers the item is
 * hidden, unless one has few pulls left (the core's isRateLimitLow): then it names that registry and
 * its pulls, and the tooltip says that the requests that can wait are held back there.
 * Plain functions of the entries and a clock, so the words do not depend on the editor.
 */
import { isRateLimitLow, pullsLeftText } from '../../../server/src/core';
import type { RegistryState, RegistryStatusEntry } from '../../../server/src/lsp';

/** The state in the item's text when every registry with a problem has that one. */
const STATE_WORDS: Readonly<Record<Exclude<RegistryState, 'reachable'>, string>> = {
  unreachable: 'unreachable',
  refused: 'refusing access',
  'too-much': 'asking to slow down',
  invalid: 'sending unusable answers',
};

export interface RegistryStatusText {
  /** '' when every registry answered and none is low on pulls: the item is hidden then. */
  readonly text: string;
  /** One line per registry, the ones with a problem first. */
  readonly tooltip: string;
  /** The registries with a problem, sorted by host: what Retry offers. */
  readonly problems: readonly RegistryStatusEntry[];
}

/** `when` (ISO 8601) as the local time of day, or the text as it came when it is no time. */
function timeOf(when: string): string {
  const time = new Date(when);
  return Number.isNaN(time.getTime()) ? when : time.toLocaleTimeString();
}

const pulls = (n: number): string => `${n} pull${n === 1 ? '' : 's'}`;

function line(entry: RegistryStatusEntry): string {
  // A 429's reason already names the limit and when pulls come back.
  const limit = entry.rateLimit === undefined || entry.state === 'too-much' ? '' : `; ${pullsLeftText(entry.rateLimit)}`;
  if (entry.state === 'reachable') return `${entry.host}: answered (${timeOf(entry.when)})${limit}.`;
  return `${entry.reason ?? `${entry.host} did not answer.`} (${timeOf(entry.when)})${limit}`;
}

function itemText(problems: readonly RegistryStatusEntry[], low: readonly RegistryStatusEntry[]): string {
  if (problems.length === 0) {
    if (low.length === 0) return '';
    if (low.length === 1) return `$(warning) ${low[0].host}: ${pulls(low[0].rateLimit!.remaining)} left`;
    return `$(warning) ${low.length} registries low on pulls`;
  }
  const states = new Set(problems.map((entry) => entry.state as Exclude<RegistryState, 'reachable'>));
  const what = states.size === 1 ? STATE_WORDS[[...states][0]] : 'with problems';
  return `$(warning) ${problems.length} ${problems.length === 1 ? 'registry' : 'registries'} ${what}`;
}

export function registryStatusText(entries: readonly RegistryStatusEntry[]): RegistryStatusText {
  const problems = entries.filter((entry) => entry.state !== 'reachable');
  const low = entries.filter((entry) => isRateLimitLow(entry.rateLimit));
  const text = itemText(problems, low);
  if (text === '') return { text, tooltip: '', problems };
  const answered = entries.filter((entry) => entry.state === 'reachable');
  const lines = [...problems, ...answered].map(line);
  if (low.length > 0) {
    const hosts = low.map((entry) => entry.host).join(', ');
    lines.push(`Few pulls left at ${hosts}: requests that can wait (tag lists, anonymous-pull checks, referrers) are held back until more are left.`);
  }
  if (problems.length > 0) lines.push('Click to retry a registry.');
  return { text, tooltip: lines.join('\n'), problems };
}
