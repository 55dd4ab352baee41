/**
 * What the registry status bar item says, from the server's imageAware/registryStatus entries: the
 * registries with a problem counted in one line, each named with its reason and when in the tooltip.
 * Plain functions of the entries and a clock, so the words do not depend on the editor.
 */
import type { RegistryState, RegistryStatusEntry } from '../../../server/src/lsp';

/** The state in the item's text when every registry with a problem has that one. */
const STATE_WORDS: Readonly<Record<Exclude<RegistryState, 'reachable'>, string>> = {
  unreachable: 'unreachable',
  refused: 'refusing access',
  'too-much': 'asking to slow down',
  invalid: 'sending unusable answers',
};

export interface RegistryStatusText {
  /** '' when every registry answered: the item is hidden then. */
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

function line(entry: RegistryStatusEntry): string {
  if (entry.state === 'reachable') return `${entry.host}: answered (${timeOf(entry.when)}).`;
  return `${entry.reason ?? `${entry.host} did not answer.`} (${timeOf(entry.when)})`;
}

export function registryStatusText(entries: readonly RegistryStatusEntry[]): RegistryStatusText {
  const problems = entries.filter((entry) => entry.state !== 'reachable');
  if (problems.length === 0) return { text: '', tooltip: '', problems };
  const states = new Set(problems.map((entry) => entry.state as Exclude<RegistryState, 'reachable'>));
  const what = states.size === 1 ? STATE_WORDS[[...states][0]] : 'with problems';
  const text = `$(warning) ${problems.length} ${problems.length === 1 ? 'registry' : 'registries'} ${what}`;
  const answered = entries.filter((entry) => entry.state === 'reachable');
  const tooltip = [...problems, ...answered].map(line).join('\n') + '\nClick to retry a registry.';
  return { text, tooltip, problems };
}
