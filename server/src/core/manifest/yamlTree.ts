/**
 * A small, read-only YAML tree: just what locating image fields needs.
 * Two builders produce it: fastParse.ts (a line scanner for the common block style) and
 * slowParse.ts (the `yaml` package, for everything else). Both must produce equal trees;
 * test/core/manifest/parsers.test.ts checks that on every fixture.
 *
 * Spans are offsets into the whole file text. Aliases are resolved to the node they name,
 * so a field reached through an alias carries the span of the anchored text, which is where
 * an edit must go.
 */
export type ScalarStyle = 'plain' | 'single' | 'double' | 'block';

/**
 * Collections nest at most this deep in a tree (the root collection is level 1); both builders and
 * every walker rely on it. Kubernetes objects nest about 30 levels, and yaml's composer exhausts
 * Node's default stack at about 780, so 256 is far past any manifest and well within the stack.
 */
export const MAX_DEPTH = 256;

export interface YamlScalar {
  readonly type: 'scalar';
  /** The scalar's value after unquoting and unescaping; '' when `undecoded`. */
  readonly value: string;
  /**
   * Set by fastParse.ts on a scalar whose value it did not decode (a block scalar, a multi-line or
   * escaped one) because the analysis never reads the value at its key; its style and span are exact.
   */
  readonly undecoded?: true;
  readonly style: ScalarStyle;
  /** Source span of the scalar including any quotes. */
  readonly start: number;
  readonly end: number;
}

export interface YamlPair {
  readonly key: YamlScalar;
  /** Null when the key has no value (`image:` followed by nothing). */
  readonly value: YamlNode | null;
}

export interface YamlMap {
  readonly type: 'map';
  readonly flow: boolean;
  readonly pairs: readonly YamlPair[];
  readonly start: number;
  readonly end: number;
}

export interface YamlSeq {
  readonly type: 'seq';
  readonly flow: boolean;
  readonly items: readonly (YamlNode | null)[];
  readonly start: number;
  readonly end: number;
}

export type YamlNode = YamlScalar | YamlMap | YamlSeq;

export interface YamlProblem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** One YAML document of a stream, with its span in the file and the problems met parsing it. */
export interface YamlDocument {
  readonly start: number;
  readonly end: number;
  readonly root: YamlNode | null;
  readonly problems: readonly YamlProblem[];
  /** Where the first collection nested deeper than MAX_DEPTH starts; it and what it holds are left out (null). */
  readonly tooDeepAt: number | null;
}

/** The last pair whose key is `key`: duplicate keys resolve like a JSON object, last one wins. */
export function findPair(map: YamlMap, key: string): YamlPair | undefined {
  for (let i = map.pairs.length - 1; i >= 0; i--) {
    if (map.pairs[i].key.value === key) return map.pairs[i];
  }
  return undefined;
}

export function getMap(map: YamlMap, key: string): YamlMap | undefined {
  const value = findPair(map, key)?.value;
  return value?.type === 'map' ? value : undefined;
}

export function getSeq(map: YamlMap, key: string): YamlSeq | undefined {
  const value = findPair(map, key)?.value;
  return value?.type === 'seq' ? value : undefined;
}

export function getScalar(map: YamlMap, key: string): YamlScalar | undefined {
  const value = findPair(map, key)?.value;
  return value?.type === 'scalar' ? value : undefined;
}

/** True for the plain scalars YAML reads as null: empty, `~`, `null`, `Null`, `NULL`. */
export function isNullScalar(node: YamlScalar): boolean {
  return node.style === 'plain' && /^(|~|null|Null|NULL)$/.test(node.value);
}

/**
 * The pairs that lookups can reach: for each key the last one, kept in order. So each map holds at
 * most one merged pair per key, and maps that each merge the one before nine times (a merge-key
 * bomb) stay as small as their keys instead of holding 9^n pairs.
 */
export function mergeWinners(pairs: readonly YamlPair[]): YamlPair[] {
  const seen = new Set<string>();
  const kept: YamlPair[] = [];
  for (let i = pairs.length - 1; i >= 0; i--) {
    if (seen.has(pairs[i].key.value)) continue;
    seen.add(pairs[i].key.value);
    kept.push(pairs[i]);
  }
  return kept.reverse();
}
