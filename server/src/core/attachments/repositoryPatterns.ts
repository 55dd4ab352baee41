/**
 * Settings keyed by repository pattern (`ghcr.io/org/*`, `*` matching any run of characters, `/` included): the
 * most specific pattern that matches a repository wins, the one with the most characters that are not `*`.
 * Patterns are matched without a RegExp, in time linear in pattern and name (as a RegExp, a run of stars
 * backtracks for minutes); a pattern past MAX_PATTERN characters is ignored.
 */
import { matchesPattern } from '../manifest/locations';

const MAX_PATTERN = 512;

/** The values of the patterns matching `repository` (`domain/path`), most specific first. */
export function matchingPatterns<T>(patterns: Readonly<Record<string, T>>, repository: string): T[] {
  const candidates = Object.entries(patterns).filter(([pattern]) => pattern !== '' && pattern.length <= MAX_PATTERN && matchesPattern(pattern, repository));
  candidates.sort(([a], [b]) => b.replace(/\*/g, '').length - a.replace(/\*/g, '').length);
  return candidates.map(([, value]) => value);
}
