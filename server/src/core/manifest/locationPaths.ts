/**
 * Paths over the YAML tree, the language of the location table (locations.ts) and of users' own
 * mappings (locationConfig.ts): segments are map keys, separated by `.`; `[]` after a segment means
 * every item of the sequence it holds, and a `*` segment every value of a mapping. So
 * `spec.templates[].container` reaches each template's container, and
 * `spec.tfReplicaSpecs.*.template.spec` the pod spec of every replica type.
 * Hand-written: the grammar is four rules, and errors must point at the character.
 */
import { detach } from './detach';
import { findPair, getScalar, isNullScalar } from './yamlTree';
import type { YamlMap, YamlNode } from './yamlTree';

export const EVERY_ITEM = '[]';
export const EVERY_VALUE = '*';

/** Keys, EVERY_ITEM and EVERY_VALUE, from the root down. */
export type Path = readonly string[];

/** Far deeper than any object's fields nest; a path is data a user writes, so it is bounded. */
export const MAX_PATH_SEGMENTS = 32;

export type PathParse =
  { readonly ok: true; readonly path: Path } | { readonly ok: false; readonly message: string; readonly start: number; readonly end: number };

const KEY_CHAR = /[^.[\]*\s]/;

/** Reads `text` as a path; a problem's span is within `text`. */
export function parsePath(text: string): PathParse {
  const path: string[] = [];
  const fail = (message: string, start: number, end = start + 1): PathParse => ({
    ok: false,
    message,
    start,
    end: Math.min(end, Math.max(text.length, start + 1)),
  });
  if (text === '') return fail('A path cannot be empty: write keys separated by ".", like spec.template.spec.', 0);
  let i = 0;
  for (;;) {
    const start = i;
    if (text[i] === '*') i++;
    else while (i < text.length && KEY_CHAR.test(text[i])) i++;
    if (i === start) return fail(`Expected a key or "*" at character ${start + 1} of the path.`, start);
    path.push(text.slice(start, i));
    while (text.startsWith(EVERY_ITEM, i)) {
      path.push(EVERY_ITEM);
      i += 2;
    }
    if (path.length > MAX_PATH_SEGMENTS) return fail(`A path has at most ${MAX_PATH_SEGMENTS} segments.`, start, i);
    if (i === text.length) return { ok: true, path };
    if (text[i] !== '.') {
      const what = text[i] === '[' ? '"[" must be followed by "]" and opens no index: "[]" means every item' : `"${text[i]}" cannot appear in a key`;
      return fail(`${what} (character ${i + 1} of the path).`, i);
    }
    i++;
  }
}

/** Parses a path that the code itself writes; a mistake there is a bug, not user input. */
export function path(text: string): Path {
  const parsed = parsePath(text);
  if (!parsed.ok) throw new Error(`Bad built-in path "${text}": ${parsed.message}`);
  return parsed.path;
}

/** Nodes a walk may visit before it stops, shared by every walk over one document (aliases can multiply a tree). */
export class WalkBudget {
  exhausted = false;
  constructor(private remaining: number) {}

  spend(): boolean {
    if (this.remaining <= 0) this.exhausted = true;
    else this.remaining--;
    return !this.exhausted;
  }
}

/**
 * The way to a node, for people: each step a key or an index, linked to the step before. Only the
 * records kept turn it into text (whereText), so a walk allocates no strings for what it passes by,
 * and each record keeps one flat string rather than a chain of concatenations.
 */
export interface Trail {
  readonly up: Trail | null;
  readonly step: string | number;
}

/** `spec.templates[2].container`, as one flat string: join copies every part, so no slice of the file text is kept. */
export function whereText(trail: Trail | null): string {
  const parts: string[] = [];
  for (let at = trail; at !== null; at = at.up) {
    const step = at.step;
    parts.push(typeof step === 'number' ? `[${step}]` : at.up === null ? step : `.${step}`);
  }
  return parts.reverse().join('');
}

/** Where a walk arrived: the node, the way to it, and the nearest sequence item on the way that is a mapping. */
export interface Reached {
  readonly node: YamlNode;
  readonly trail: Trail | null;
  readonly item: YamlMap | null;
}

/** A mapping's `name`, as written (read only when a record needs it: most records have their own). */
export function nameOf(map: YamlMap): string | null {
  const name = getScalar(map, 'name');
  return name && !isNullScalar(name) ? detach(name.value) : null;
}

/**
 * Calls `visit` for every node `path` reaches from `from.node`, in document order; `from` describes
 * the node itself. Each node reached costs the budget one step; once it is spent the walk stops.
 */
export function walkPath(from: Reached, path: Path, budget: WalkBudget, visit: (reached: Reached) => void): void {
  walk(from.node, path, 0, from.trail, from.item, budget, visit);
}

function walk(node: YamlNode, path: Path, at: number, trail: Trail | null, item: YamlMap | null, budget: WalkBudget, visit: (reached: Reached) => void): void {
  if (!budget.spend()) return;
  if (at === path.length) {
    visit({ node, trail, item });
    return;
  }
  const segment = path[at];
  if (segment === EVERY_ITEM) {
    if (node.type !== 'seq') return;
    node.items.forEach((child, i) => {
      if (child !== null) walk(child, path, at + 1, { up: trail, step: i }, child.type === 'map' ? child : item, budget, visit);
    });
    return;
  }
  if (node.type !== 'map') return;
  if (segment === EVERY_VALUE) {
    // Duplicate keys resolve like a JSON object: the last one wins, as findPair reads them.
    const seen = new Set<string>();
    const lastOfEachKey = [];
    for (let i = node.pairs.length - 1; i >= 0; i--) {
      if (!seen.has(node.pairs[i].key.value)) lastOfEachKey.push(node.pairs[i]);
      seen.add(node.pairs[i].key.value);
    }
    for (const pair of lastOfEachKey.reverse()) {
      // A key is a slice of the file text; a one-part path would be that very string.
      if (pair.value !== null) walk(pair.value, path, at + 1, { up: trail, step: detach(pair.key.value) }, item, budget, visit);
    }
    return;
  }
  const value = findPair(node, segment)?.value;
  if (value) walk(value, path, at + 1, { up: trail, step: segment }, item, budget, visit);
}
