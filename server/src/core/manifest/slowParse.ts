/**
 * Builds a YamlDocument with the `yaml` package: the general path, used for every document the
 * line scanner in fastParse.ts declines (flow edge cases, anchors, aliases, tags, multi-line
 * scalars, syntax errors, deep nesting). Aliases become shared references to the converted target
 * node, so an alias bomb costs one conversion per node rather than one per expansion.
 * A block collection ends where its last entry's text ends (yaml's own range runs on to the next
 * line), which is what fastParse.ts computes too.
 * No collection deeper than MAX_DEPTH is composed (boundedYaml.ts) or converted, nor reached through
 * an alias: each is left out as null, and `tooDeepAt` marks the first.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { Alias, Document, Node as YNode, Pair } from 'yaml';
import { parseBoundedDocument } from './boundedYaml';
import { MAX_DEPTH, mergeWinners } from './yamlTree';
import type { YamlDocument, YamlMap, YamlNode, YamlPair, YamlScalar, YamlSeq } from './yamlTree';

const MERGE_KEY = '<<';

export function slowParse(text: string, start: number, end: number): YamlDocument {
  const source = text.slice(start, end);
  const { document: doc, cutAt } = parseBoundedDocument(source, { merge: true, uniqueKeys: false, strict: false });
  const converter = new Converter(doc, start, source);
  const root = doc.contents ? converter.node(doc.contents, 1) : null;
  const problems = doc.errors.map((e) => ({ message: e.message, start: start + e.pos[0], end: start + e.pos[1] }));
  return { start, end, root, problems, tooDeepAt: earliest(cutAt === null ? null : start + cutAt, converter.tooDeepAt) };
}

function earliest(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

class Converter {
  /** Where the first collection left out for its depth starts (an absolute offset), or null. */
  tooDeepAt: number | null = null;
  private readonly done = new Map<unknown, YamlNode | null>();
  /** Levels of collections in each converted collection, itself included: what an alias to it adds. */
  private readonly heights = new Map<YamlNode, number>();
  /**
   * Each alias's target, found in one pass in document order (a later anchor of the same name
   * wins from there on, as YAML says). yaml's own `Alias.resolve` searches the whole document per
   * call, which made a file of a few thousand aliases take seconds.
   */
  private readonly targets = new Map<unknown, unknown>();

  constructor(
    doc: Document,
    private readonly offset: number,
    private readonly source: string,
  ) {
    const anchors = new Map<string, unknown>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) this.targets.set(node, anchors.get(node.source));
        else if (node.anchor) anchors.set(node.anchor, node);
      },
    });
  }

  /** Converts node, whose level would be `depth` if it is a collection (the root's is 1). */
  node(node: unknown, depth: number): YamlNode | null {
    if (this.done.has(node)) return this.done.get(node) ?? null;
    // Marked before descending, so an alias that refers to its own ancestor resolves to null.
    this.done.set(node, null);
    const converted = this.convert(node, depth);
    this.done.set(node, converted);
    return converted;
  }

  private convert(node: unknown, depth: number): YamlNode | null {
    // An alias to an undefined anchor (`image: *typo`) resolves to undefined, which has no range:
    // it is a node with no value.
    if (node === undefined || node === null) return null;
    if (isAlias(node)) return this.alias(node, depth);
    const range = (node as YNode).range;
    if (!range) return null;
    const start = this.offset + range[0];
    const end = this.offset + range[1];
    if (isScalar(node)) return this.scalar(node, start, end);
    // The CST was cut at MAX_DEPTH, but yaml adds a map level for each `[key: value]` pair.
    if ((isMap(node) || isSeq(node)) && depth > MAX_DEPTH) return this.tooDeep(start);
    if (isMap(node)) {
      const merged: YamlPair[] = [];
      const own: YamlPair[] = [];
      let lastEnd = -1;
      for (const item of node.items) lastEnd = this.pair(item, own, merged, depth + 1) ?? lastEnd;
      const contentEnd = node.flow || lastEnd < 0 ? end : lastEnd;
      const pairs = mergeWinners(merged).concat(own);
      return this.measured(
        { type: 'map', flow: !!node.flow, pairs, start, end: contentEnd } satisfies YamlMap,
        pairs.map((p) => p.value),
      );
    }
    if (isSeq(node)) {
      const items = node.items.map((item) => this.node(item, depth + 1));
      const last = items[items.length - 1];
      const lastItem = node.items[node.items.length - 1];
      // A block sequence whose last item is empty (`-` or `- # comment`) ends after that dash, as in
      // fastParse.ts, not where yaml's range ends (after the comment and the line break).
      const contentEnd = node.flow ? end : last ? this.sourceEnd(lastItem, last) : this.emptyItemEnd(lastItem, end);
      return this.measured({ type: 'seq', flow: !!node.flow, items, start, end: contentEnd }, items);
    }
    return null;
  }

  /** The alias's target, unless placing it at `depth` would nest collections past MAX_DEPTH. */
  private alias(alias: Alias, depth: number): YamlNode | null {
    const target = this.node(this.targets.get(alias), depth);
    if (target === null || target.type === 'scalar' || depth + this.heights.get(target)! - 1 <= MAX_DEPTH) return target;
    return this.tooDeep(this.offset + (alias.range?.[0] ?? 0));
  }

  private tooDeep(start: number): null {
    if (this.tooDeepAt === null || start < this.tooDeepAt) this.tooDeepAt = start;
    return null;
  }

  /** Records the collection's height, from its children's. */
  private measured<T extends YamlMap | YamlSeq>(collection: T, children: readonly (YamlNode | null)[]): T {
    let below = 0;
    for (const child of children) if (child && child.type !== 'scalar') below = Math.max(below, this.heights.get(child)!);
    this.heights.set(collection, below + 1);
    return collection;
  }

  private scalar(node: Scalar, start: number, end: number): YamlScalar | null {
    const value = node.source ?? (node.value === null ? '' : String(node.value));
    const style =
      node.type === Scalar.QUOTE_DOUBLE
        ? 'double'
        : node.type === Scalar.QUOTE_SINGLE
          ? 'single'
          : node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED
            ? 'block'
            : 'plain';
    // An absent value (`key:` with nothing after it) has an empty plain source.
    if (style === 'plain' && start === end) return null;
    // A block scalar ends where its last non-blank line does, as fastParse.ts has it, not where
    // yaml's range ends (past the last line break and kept blank lines): an edit replacing the
    // scalar keeps the newline before the next key, and the enclosing collection ends on its line.
    if (style === 'block') end = this.trimmedEnd(start, end);
    return { type: 'scalar', value, style, start, end };
  }

  /** Just after the `-` of an empty last item: yaml places the empty node after the dash and blanks. */
  private emptyItemEnd(item: unknown, fallback: number): number {
    const range = (item as YNode | undefined)?.range;
    if (!range) return fallback;
    let at = range[0];
    while (at > 0 && (this.source[at - 1] === ' ' || this.source[at - 1] === '\t')) at--;
    return this.source[at - 1] === '-' ? at + this.offset : fallback;
  }

  /** Moves end back over trailing blanks and line breaks, keeping at least the indicator. */
  private trimmedEnd(start: number, end: number): number {
    let at = end - this.offset;
    const first = start - this.offset + 1;
    while (at > first && ' \t\r\n'.includes(this.source[at - 1])) at--;
    return at + this.offset;
  }

  /**
   * Where a child's own text ends: for an alias, the alias itself (`*img`), not the anchored node
   * it resolves to, which may sit anywhere (even before the container that ends in `image: *img`).
   */
  private sourceEnd(raw: unknown, converted: YamlNode): number {
    return isAlias(raw) && raw.range ? this.offset + raw.range[1] : converted.end;
  }

  /** Adds the entry (its key and value at level `depth`) to own or merged; returns where its text ends, or undefined when skipped. */
  private pair(item: Pair, own: YamlPair[], merged: YamlPair[], depth: number): number | undefined {
    const key = this.node(item.key, depth);
    if (key?.type !== 'scalar') return undefined;
    const value = item.value === null ? null : this.node(item.value, depth);
    const end = value ? this.sourceEnd(item.value, value) : key.end;
    if (key.value === MERGE_KEY && key.style === 'plain' && value && value.type !== 'scalar') {
      // In `<<: [*a, *b]` the earlier map wins; with last-wins lookup that means adding it last.
      const sources = value.type === 'map' ? [value] : [...value.items].reverse();
      // A loop, since push(...pairs) overflows the stack on large maps.
      for (const source of sources) if (source?.type === 'map') for (const p of source.pairs) merged.push(p);
      return end;
    }
    own.push({ key, value });
    return end;
  }
}
