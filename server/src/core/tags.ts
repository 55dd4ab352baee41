/**
 * The order tags are offered in: Semantic Versioning 2.0.0 tags first, newest first by SemVer
 * precedence (a prerelease sorts below its release, prerelease identifiers compare numerically
 * when numeric and by ASCII otherwise, and numeric ones sort below alphanumeric ones). A leading "v"
 * is accepted ("v1.2.3"). Docker tags cannot hold "+", so build metadata never occurs.
 * Everything else follows: first the tags that start with a digit (partial versions such as "1.25",
 * dates) in descending natural order (digit runs compared as numbers), then the rest ("alpine",
 * "sha-…") in ascending natural order. The moving tags (latest, main,
 * stable, edge, nightly, dev) come last and are marked, because they are pushed again and again.
 */

export const MOVING_TAGS: ReadonlySet<string> = new Set(['latest', 'main', 'stable', 'edge', 'nightly', 'dev']);

export interface OrderedTag {
  readonly tag: string;
  readonly semver: boolean;
  readonly moving: boolean;
}

interface SemVer {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  readonly prerelease: readonly string[];
}

const NUMERIC = '0|[1-9]\\d*';
const IDENTIFIER = `(?:${NUMERIC}|\\d*[a-zA-Z-][0-9a-zA-Z-]*)`;
const SEMVER = new RegExp(`^v?(${NUMERIC})\\.(${NUMERIC})\\.(${NUMERIC})(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?$`);

/** Parses a strict SemVer 2.0.0 version (optionally with a leading "v"), or returns null. */
export function parseSemVer(tag: string): SemVer | null {
  const match = SEMVER.exec(tag);
  if (!match) return null;
  return { major: BigInt(match[1]), minor: BigInt(match[2]), patch: BigInt(match[3]), prerelease: match[4] ? match[4].split('.') : [] };
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = /^\d+$/.test(a);
  const bNumeric = /^\d+$/.test(b);
  if (aNumeric && bNumeric) return compareBig(BigInt(a), BigInt(b));
  if (aNumeric) return -1;
  if (bNumeric) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer precedence: negative when a is older than b. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  const core = compareBig(a.major, b.major) || compareBig(a.minor, b.minor) || compareBig(a.patch, b.patch);
  if (core !== 0) return core;
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const order = compareIdentifiers(a.prerelease[i], b.prerelease[i]);
    if (order !== 0) return order;
  }
  return a.prerelease.length - b.prerelease.length;
}

// Created on first use: constructing a Collator loads ICU's collation data, about 4 MB of the
// server's resident memory, and a server that never orders tags (registry lookups off) needs none.
let naturalCollator: Intl.Collator | undefined;

/** Natural order (digit runs compared as numbers). */
function natural(a: string, b: string): number {
  naturalCollator ??= new Intl.Collator('en', { numeric: true });
  return naturalCollator.compare(a, b);
}

/** The tags in the order completion offers them (see the module comment). */
export function orderTags(tags: readonly string[]): OrderedTag[] {
  const versions: Array<{ tag: string; version: SemVer }> = [];
  const others: string[] = [];
  const moving: string[] = [];
  for (const tag of new Set(tags)) {
    const version = parseSemVer(tag);
    if (MOVING_TAGS.has(tag)) moving.push(tag);
    else if (version) versions.push({ tag, version });
    else others.push(tag);
  }
  // Equal precedence ("1.2.3" and "v1.2.3"): the plain one first, then by text, so the order is total.
  versions.sort((a, b) => compareSemVer(b.version, a.version) || a.tag.length - b.tag.length || (a.tag < b.tag ? -1 : 1));
  const numeric = others.filter((tag) => /^\d/.test(tag)).sort((a, b) => natural(b, a) || (a < b ? -1 : 1));
  const words = others.filter((tag) => !/^\d/.test(tag)).sort((a, b) => natural(a, b) || (a < b ? -1 : 1));
  moving.sort((a, b) => [...MOVING_TAGS].indexOf(a) - [...MOVING_TAGS].indexOf(b));
  return [
    ...versions.map(({ tag }) => ({ tag, semver: true, moving: false })),
    ...[...numeric, ...words].map((tag) => ({ tag, semver: false, moving: false })),
    ...moving.map((tag) => ({ tag, semver: false, moving: true })),
  ];
}

/**
 * The newest tags to offer in place of another: orderTags without the moving tags, SemVer releases
 * before SemVer prereleases (a fix should not move anyone to a release candidate first); at most `count`.
 */
export function newestTags(tags: readonly string[], count: number): string[] {
  const fixed = orderTags(tags).filter((t) => !t.moving);
  const prerelease = (t: OrderedTag): boolean => t.semver && parseSemVer(t.tag)!.prerelease.length > 0;
  return [...fixed.filter((t) => !prerelease(t)), ...fixed.filter(prerelease)].slice(0, count).map((t) => t.tag);
}
