/**
 * A line scanner for the block-style YAML that Kubernetes manifests are almost always written in.
 * It builds the same YamlDocument as slowParse.ts about ten times faster, because it never builds
 * tokens, a CST or tagged values. It declines (returns null) as soon as a document uses anything
 * outside the subset it knows to handle exactly: tags, complex keys, tabs in indentation, directives
 * inside a document, collections nested deeper than MAX_DEPTH, and anything that would be a syntax
 * error. The caller then uses slowParse.ts, so a declined document costs one extra, cheap attempt
 * and is never analysed wrongly.
 *
 * Scalars that take more than reading a line are skipped, not decoded: block scalars (`|`, `>`),
 * plain and quoted scalars that go on over several lines, and double-quoted ones with escapes. Their
 * span is exact (indentation says where they end) but their value is left empty and marked
 * `undecoded`, unless the key they belong to (for a sequence item, the key of the sequence) is one
 * whose value the analysis reads (`decodedKeys`), in which case the scanner declines. An alias is
 * the node its anchor names, shared, and `<<: *alias` merges that mapping's pairs, as in slowParse.ts.
 */
import { BUILT_IN_LOCATIONS } from './builtInLocations';
import { charClass, CR, DASH, decline, DECLINE, DQUOTE, HASH, COLON, isBlank, isBreak, isFlowIndicator, LF, SPACE, SQUOTE, TAB } from './fastScan';
import { FlowScanner } from './fastFlow';
import { decodeDoubleQuoted, quotedExtent } from './fastQuoted';
import { MAX_DEPTH, mergeWinners } from './yamlTree';
import type { YamlDocument, YamlNode, YamlPair, YamlScalar } from './yamlTree';

interface MapFrame {
  readonly kind: 'map';
  readonly indent: number;
  readonly node: { type: 'map'; flow: false; pairs: YamlPair[]; start: number; end: number };
  /** The pairs that `<<: *alias` entries merge in, in order; they go before the map's own pairs when it ends. */
  merged: YamlPair[] | null;
}
interface SeqFrame {
  readonly kind: 'seq';
  readonly indent: number;
  readonly node: { type: 'seq'; flow: false; items: (YamlNode | null)[]; start: number; end: number };
  /** The key the sequence is the value of (the outer sequence's for a nested one), which its scalar items belong to. */
  readonly key: string;
}
type Frame = MapFrame | SeqFrame;

type MutableScalar = { -readonly [K in keyof YamlScalar]: YamlScalar[K] };

/** A plain scalar whose line has ended: deeper lines that follow continue it. */
interface OpenPlain {
  readonly scalar: MutableScalar;
  /** The indentation of the collection holding it; continuation lines are deeper. */
  readonly ownerIndent: number;
  readonly holder: Frame;
  /** Its key is one whose value the analysis reads. */
  readonly decoded: boolean;
}

/**
 * `decodedKeys` are the keys whose values the caller reads (by default the built-in location table's):
 * the scanner declines where one holds a block scalar.
 */
export function fastParse(text: string, start: number, end: number, decodedKeys: ReadonlySet<string> = BUILT_IN_LOCATIONS.decodedKeys): YamlDocument | null {
  try {
    return new Scanner(text, start, end, decodedKeys).run();
  } catch (e) {
    if (e === DECLINE) return null;
    throw e;
  }
}

/** Indicators that cannot start a plain key, or start something this scanner declines. */
const cannotStartPlainKey = charClass('[]{}#&*!|>%@`,?:');
/** Indicators that cannot start a plain value here (anchors, aliases, quotes, flow collections and block scalars are read before). */
const cannotStartPlainValue = charClass('!%@`,]}');

/** The characters of the alias names this scanner reads; others are left to yaml. */
function isAnchorChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 /* - */ || c === 95 /* _ */ || c === 46; /* . */
}

class Scanner {
  private readonly stack: Frame[] = [];
  private root: YamlNode | null = null;
  private rootSet = false;
  /** The map or sequence whose last entry still waits for its value on a following line. */
  private pending: Frame | null = null;
  /** While >= 0, lines indented deeper than this belong to a block scalar being skipped. */
  private blockParentIndent = -1;
  private blockScalar: { end: number } | null = null;
  /** Column of the block scalar's first content line; -1 until that line is seen. */
  private blockContentIndent = -1;
  /** The deepest all-space line before the block scalar's first content line. */
  private blockLeadingBlank = -1;
  /**
   * Each anchor's node, by name, as far as the document is read; null while that node is not known
   * (it starts on the next line) or when an alias to it is left to yaml (an empty node).
   */
  private readonly anchors = new Map<string, YamlNode | null>();
  /** The collections' heights (levels, themselves included) that aliases to them were checked for. */
  private readonly heights = new Map<YamlNode, number>();
  /** The anchor that ended its line, so the node on the next line has it; it may not have another. */
  private anchorPending: string | null = null;
  /** The line being read follows such an anchor. */
  private anchorAbove = false;
  /** The plain scalar that the next deeper line continues, if any. */
  private openPlain: OpenPlain | null = null;
  /** A `...` line has ended the document: only blank and comment lines may follow. */
  private ended = false;
  /** Start of the next line to read. */
  private pos: number;
  /** The node the last alias read resolved to, and where that alias's own text ends. */
  private aliasTarget: YamlNode | null = null;
  private aliasEnd = -1;

  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
    private readonly decodedKeys: ReadonlySet<string>,
  ) {
    this.pos = start;
  }

  run(): YamlDocument {
    const { text } = this;
    // A CR not followed by LF is a line break in YAML, which this scanner, reading lines by LF,
    // would take for part of a key or value: decline documents that have one. Searched in the
    // document alone (a slice costs no copy): in the whole text, indexOf would run on to its end.
    const doc = this.start === 0 && this.end === text.length ? text : text.slice(this.start, this.end);
    for (let cr = doc.indexOf('\r'); cr >= 0; cr = doc.indexOf('\r', cr + 1)) {
      if (doc.charCodeAt(cr + 1) !== LF) decline();
    }
    while (this.pos < this.end) {
      const lineStart = this.pos;
      const newline = text.indexOf('\n', lineStart);
      const lineEnd = newline < 0 || newline >= this.end ? this.end : newline;
      this.pos = lineEnd + 1;
      let p = lineStart;
      while (text.charCodeAt(p) === SPACE) p++;
      const c = p < lineEnd ? text.charCodeAt(p) : LF;
      const indent = p - lineStart;
      if (this.blockParentIndent >= 0) {
        if (c === LF || c === CR) {
          if (this.blockContentIndent < 0) this.blockLeadingBlank = Math.max(this.blockLeadingBlank, indent);
          continue;
        }
        // A line of blanks with a tab, or a `#` line, is content when it is indented enough;
        // only an all-space line may be skipped. A tab line that is not indented as deep as the
        // content is an error to yaml (or unclear before the first content line): decline.
        if (c === TAB && this.onlyBlanks(p, lineEnd)) {
          if (this.blockContentIndent < 0 || indent < this.blockContentIndent) decline();
          continue;
        }
        if (indent > this.blockParentIndent && this.blockContentIndent < 0) {
          // The first content line sets the scalar's indentation; an all-space line before it that
          // is deeper is a YAML error.
          if (this.blockLeadingBlank > indent) decline();
          this.blockContentIndent = indent;
        }
        if (indent > this.blockParentIndent && indent < this.blockContentIndent) {
          // A line less indented than the content ends the scalar. As a comment that is fine
          // (handled below); anything else is a YAML error, not content: decline.
          if (c !== HASH) decline();
        } else if (indent > this.blockParentIndent) {
          this.blockScalar!.end = this.trimEnd(lineStart, lineEnd);
          // The collection that holds the block scalar (the top frame; none is pushed while the
          // scalar's lines are skipped) ends with it, not at its `|` line, as in slowParse.ts.
          const owner = this.stack[this.stack.length - 1];
          if (owner && this.blockScalar!.end > owner.node.end) owner.node.end = this.blockScalar!.end;
          continue;
        }
        this.blockParentIndent = -1;
        this.blockScalar = null;
        this.blockContentIndent = -1;
        this.blockLeadingBlank = -1;
      }
      if (this.openPlain !== null) {
        // Blank lines may be inside the scalar. yaml continues it on a line indented deeper than its
        // collection, a tab there included, which this scanner leaves to yaml.
        if (c === LF || c === CR) continue;
        if (indent > this.openPlain.ownerIndent && c !== HASH) {
          if (c === TAB) decline();
          this.continuePlain(p, lineEnd);
          continue;
        }
        this.openPlain = null;
      }
      if (c === LF || c === CR || c === HASH) continue;
      if (c === TAB) {
        // While a value is pending (`key:` or `-` above), or (in some contexts) as the last
        // line with no line break after it, yaml reports a tab-only line as tab indentation, though
        // elsewhere it is a blank line: decline it there.
        if (this.restIsBlank(p, lineEnd) && !this.pending && lineEnd < this.end) continue;
        decline();
      }
      // Anything but comments after `...` is another document, which yaml reports as an error:
      // decline it.
      if (this.ended) decline();
      if (indent === 0 && this.lineIsMarker(p, DASH)) {
        if (this.rootSet) decline();
        this.expectLineEnd(p + 3, lineEnd);
        continue;
      }
      if (indent === 0 && this.lineIsMarker(p, 46 /* . */)) {
        this.expectLineEnd(p + 3, lineEnd);
        this.ended = true;
        continue;
      }
      // Directives are declined, all of them: yaml rejects bad ones (`%YAML 1#.2`), a directive
      // after `---`, and content after directives without `---`, and manifests rarely have any.
      if (indent === 0 && c === 37 /* % */) decline();
      this.line(p, indent, lineEnd);
    }
    while (this.stack.length) this.pop();
    return { start: this.start, end: this.end, root: this.root, problems: [], tooDeepAt: null };
  }

  private lineIsMarker(p: number, ch: number): boolean {
    const { text } = this;
    if (text.charCodeAt(p + 1) !== ch || text.charCodeAt(p + 2) !== ch || text.charCodeAt(p) !== ch) return false;
    const next = text.charCodeAt(p + 3);
    return isBlank(next) || isBreak(next);
  }

  private restIsBlank(p: number, lineEnd: number): boolean {
    while (p < lineEnd && isBlank(this.text.charCodeAt(p))) p++;
    return p >= lineEnd || this.text.charCodeAt(p) === HASH || this.text.charCodeAt(p) === CR;
  }

  private onlyBlanks(p: number, lineEnd: number): boolean {
    while (p < lineEnd && (isBlank(this.text.charCodeAt(p)) || this.text.charCodeAt(p) === CR)) p++;
    return p >= lineEnd;
  }

  private trimEnd(from: number, to: number): number {
    while (to > from && (isBlank(this.text.charCodeAt(to - 1)) || this.text.charCodeAt(to - 1) === CR)) to--;
    return to;
  }

  /** Accepts only whitespace and a comment between p and the line end. */
  private expectLineEnd(p: number, lineEnd: number): void {
    if (p < lineEnd && !isBlank(this.text.charCodeAt(p)) && this.text.charCodeAt(p) !== CR) decline();
    if (!this.restIsBlank(p, lineEnd)) decline();
  }

  private isDashItem(p: number): boolean {
    if (this.text.charCodeAt(p) !== DASH) return false;
    const next = this.text.charCodeAt(p + 1);
    return next === SPACE || isBreak(next) || next === TAB;
  }

  /** Opens a collection inside the ones on the stack; one past MAX_DEPTH is declined. */
  private push(frame: Frame): void {
    if (this.stack.length >= MAX_DEPTH) decline();
    this.stack.push(frame);
  }

  private pop(): void {
    const frame = this.stack.pop()!;
    // As yaml merges: for each key the last merged pair, ahead of the map's own pairs.
    if (frame.kind === 'map' && frame.merged) frame.node.pairs = mergeWinners(frame.merged).concat(frame.node.pairs);
    const parent = this.stack[this.stack.length - 1];
    if (parent && frame.node.end > parent.node.end) parent.node.end = frame.node.end;
  }

  /** One content line whose first non-space character is at p, in column indent. */
  private line(p: number, indent: number, lineEnd: number): void {
    const anchor = this.anchorPending;
    this.anchorAbove = anchor !== null;
    this.anchorPending = null;
    const dash = this.isDashItem(p);
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top) break;
      if (top.indent > indent || (top.kind === 'seq' && top.indent === indent && !dash)) {
        if (this.pending === top) this.pending = null;
        this.pop();
        continue;
      }
      break;
    }
    const top = this.stack[this.stack.length - 1];
    const pending = this.pending;
    this.pending = null;
    if (!top) {
      if (this.rootSet) decline();
      this.rootSet = true;
      this.root = this.isFlowStart(p) ? this.flow(p, -1) : this.node(p, indent, lineEnd, -1, '', null);
      return;
    }
    if (pending && (indent > pending.indent || (dash && pending.kind === 'map' && indent === pending.indent))) {
      const key = pending.kind === 'map' ? pending.node.pairs[pending.node.pairs.length - 1].key.value : pending.key;
      const node = this.node(p, indent, lineEnd, pending.indent, key, pending);
      if (anchor !== null) this.anchors.set(anchor, node);
      this.assign(pending, node);
      return;
    }
    if (top.indent !== indent) decline();
    if (top.kind === 'map') {
      if (dash) decline();
      this.pair(top, p, lineEnd);
    } else {
      this.item(top, p, lineEnd);
    }
  }

  private assign(frame: Frame, value: YamlNode): void {
    if (frame.kind === 'map') {
      const pairs = frame.node.pairs;
      pairs[pairs.length - 1] = { key: pairs[pairs.length - 1].key, value };
    } else {
      frame.node.items[frame.node.items.length - 1] = value;
    }
    const end = this.endOf(value);
    if (end > frame.node.end) frame.node.end = end;
  }

  /** Where a value's own text ends: for an alias, the alias, not the node it resolves to. */
  private endOf(value: YamlNode): number {
    return value === this.aliasTarget ? this.aliasEnd : value.end;
  }

  /**
   * A node that starts at p: a block sequence, a block mapping, or a value starting on this line;
   * `key` is the key it belongs to and `holder` the collection it goes into (null for the root). The
   * stack holds exactly the collections that enclose it, which bounds the recursion through `- - -` too.
   */
  private node(p: number, indent: number, lineEnd: number, parentIndent: number, key: string, holder: Frame | null): YamlNode {
    if (this.isDashItem(p)) {
      const frame: SeqFrame = { kind: 'seq', indent, node: { type: 'seq', flow: false, items: [], start: p, end: p + 1 }, key };
      this.push(frame);
      this.item(frame, p, lineEnd);
      return frame.node;
    }
    const keyEnd = this.keyEnd(p, lineEnd);
    if (keyEnd >= 0) {
      const frame: MapFrame = { kind: 'map', indent, node: { type: 'map', flow: false, pairs: [], start: p, end: p }, merged: null };
      this.push(frame);
      this.pair(frame, p, lineEnd);
      return frame.node;
    }
    if (holder === null) decline(); // A document that is a bare scalar is not a manifest.
    const value = this.value(p, lineEnd, parentIndent, key, holder);
    if (!value) decline();
    return value;
  }

  private item(frame: SeqFrame, p: number, lineEnd: number): void {
    const { text } = this;
    let q = p + 1;
    if (text.charCodeAt(q) === TAB) decline();
    while (text.charCodeAt(q) === SPACE) q++;
    // `-   \t# c` is an empty item: a tab followed by blanks or a comment ends the item. A tab
    // before content leaves the nested node's column unclear: decline that.
    if (text.charCodeAt(q) === TAB) {
      if (!this.restIsBlank(q, lineEnd)) decline();
      q = lineEnd;
    }
    const items = frame.node.items;
    if (q >= lineEnd || text.charCodeAt(q) === HASH || text.charCodeAt(q) === CR) {
      items.push(null);
      this.pending = frame;
      if (p + 1 > frame.node.end) frame.node.end = p + 1;
      return;
    }
    items.push(null);
    const column = frame.indent + (q - p);
    if (this.isDashItem(q) || this.keyEnd(q, lineEnd) >= 0) {
      this.assign(frame, this.node(q, column, lineEnd, frame.indent, frame.key, frame));
    } else {
      const value = this.value(q, lineEnd, frame.indent, frame.key, frame);
      if (!value) decline();
      this.assign(frame, value);
    }
  }

  private pair(frame: MapFrame, p: number, lineEnd: number): void {
    const { text } = this;
    const colon = this.keyEnd(p, lineEnd);
    if (colon < 0) decline();
    const key = this.key(p, colon);
    const pairs = frame.node.pairs;
    let q = colon + 1;
    while (isBlank(text.charCodeAt(q))) q++;
    const value = this.value(q, lineEnd, frame.indent, key.value, frame);
    if (key.style === 'plain' && key.value === '<<') {
      // A merge key: the pairs of the mapping an alias names are merged in (pop). Any other value
      // (a mapping written here, a list of aliases, a scalar) is left to yaml.
      if (value === null || value !== this.aliasTarget || value.type !== 'map') decline();
      frame.merged ??= [];
      for (const merged of value.pairs) frame.merged.push(merged);
    } else {
      pairs.push({ key, value });
    }
    // A key without a value ends its mapping at the key, not the colon, as in slowParse.ts.
    const end = value ? this.endOf(value) : key.end;
    if (end > frame.node.end) frame.node.end = end;
    if (!value) this.pending = frame;
  }

  /** The offset of the `:` that ends the key starting at p, or -1 when the line holds no key. */
  private keyEnd(p: number, lineEnd: number): number {
    const { text } = this;
    const c = text.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      const close = this.closingQuoteOnLine(p, lineEnd);
      if (close < 0) return -1;
      let q = close + 1;
      while (isBlank(text.charCodeAt(q))) q++;
      if (text.charCodeAt(q) !== COLON) return -1;
      const after = text.charCodeAt(q + 1);
      return isBlank(after) || isBreak(after) || q + 1 >= lineEnd ? q : -1;
    }
    if (cannotStartPlainKey(c)) return -1;
    for (let q = p; q < lineEnd; q++) {
      const d = text.charCodeAt(q);
      if (d === COLON) {
        const after = text.charCodeAt(q + 1);
        if (q + 1 >= lineEnd || isBlank(after) || isBreak(after)) return q;
      } else if (d === HASH && isBlank(text.charCodeAt(q - 1))) {
        return -1;
      }
    }
    return -1;
  }

  private key(p: number, colon: number): YamlScalar {
    const c = this.text.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) return this.quoted(p, this.closingQuoteOnLine(p, colon));
    const end = this.trimEnd(p, colon);
    return { type: 'scalar', value: this.text.slice(p, end), style: 'plain', start: p, end };
  }

  /** Offset of the quote closing the quoted scalar at p on this line, -1 when there is none or it has an escape. */
  private closingQuoteOnLine(p: number, lineEnd: number): number {
    const { text } = this;
    const quote = text.charCodeAt(p);
    for (let q = p + 1; q < lineEnd; q++) {
      const d = text.charCodeAt(q);
      if (quote === DQUOTE && d === 92 /* \ */) return -1;
      if (d === quote) {
        if (quote === SQUOTE && text.charCodeAt(q + 1) === SQUOTE) {
          q++;
          continue;
        }
        return q;
      }
    }
    return -1;
  }

  /** The quoted scalar from p to its closing quote at close, on one line, decoded. */
  private quoted(p: number, close: number): YamlScalar {
    const single = this.text.charCodeAt(p) === SQUOTE;
    return {
      type: 'scalar',
      value: single ? this.text.slice(p + 1, close).replace(/''/g, "'") : decodeDoubleQuoted(this.text, p, close),
      style: single ? 'single' : 'double',
      start: p,
      end: close + 1,
    };
  }

  /**
   * The value that starts at p on this line (a flow collection or a quoted scalar may run on, a plain
   * one may be continued), of `key`, going into `holder`, a collection indented ownerIndent columns.
   * Returns null when the line ends first: the value, if any, is on the following lines.
   */
  private value(p: number, lineEnd: number, ownerIndent: number, key: string, holder: Frame): YamlNode | null {
    const { text } = this;
    const c = p < lineEnd ? text.charCodeAt(p) : LF;
    if (c === LF || c === CR || c === HASH) return null;
    if (c === 38 /* & */) return this.anchored(p, lineEnd, ownerIndent, key, holder);
    if (c === 42 /* * */) return this.alias(p, lineEnd, holder);
    if (c === DQUOTE || c === SQUOTE) {
      const extent = quotedExtent(text, p, lineEnd, ownerIndent, this.end);
      let scalar: YamlScalar;
      if (extent.lineEnd === lineEnd) scalar = this.quoted(p, extent.close);
      else if (this.decodedKeys.has(key)) decline();
      else scalar = { type: 'scalar', value: '', style: c === SQUOTE ? 'single' : 'double', start: p, end: extent.close + 1, undecoded: true };
      this.expectLineEnd(scalar.end, extent.lineEnd);
      if (extent.lineEnd !== lineEnd) this.pos = extent.lineEnd + 1;
      return scalar;
    }
    if (this.isFlowStart(p)) return this.flow(p, ownerIndent);
    if (c === 124 /* | */ || c === 62 /* > */) {
      if (this.decodedKeys.has(key)) decline();
      const explicit = this.blockIndentIndicator(p + 1, lineEnd);
      // An explicit indentation indicator (`|2`) puts the content that many columns right of the
      // mapping holding the key; in a sequence item, yaml's column for it is left to yaml.
      if (explicit > 0 && holder.kind !== 'map') decline();
      const scalar: MutableScalar = { type: 'scalar', value: '', style: 'block', start: p, end: this.trimEnd(p, lineEnd), undecoded: true };
      this.blockParentIndent = ownerIndent;
      this.blockContentIndent = explicit > 0 ? ownerIndent + explicit : -1;
      this.blockScalar = scalar;
      return scalar;
    }
    // `-`, `?` and `:` start a plain scalar (`?*`, `-1`) when a non-blank follows; else they are
    // indicators (a lone `-` at the line end too), which this scanner leaves to yaml.
    if (cannotStartPlainValue(c)) decline();
    if ((c === DASH || c === 63 /* ? */ || c === COLON) && (isBlank(text.charCodeAt(p + 1)) || isBreak(text.charCodeAt(p + 1)) || p + 1 >= lineEnd)) decline();
    const end = this.plainEnd(p, lineEnd);
    const scalar: MutableScalar = { type: 'scalar', value: text.slice(p, end.at), style: 'plain', start: p, end: end.at };
    if (!end.comment) this.openPlain = { scalar, ownerIndent, holder, decoded: this.decodedKeys.has(key) };
    return scalar;
  }

  /**
   * Reads a block scalar header's indicators from q to the line end: at most one chomping indicator
   * (`+`, `-`) and one indentation indicator (1-9) in either order, then only a comment. Returns the
   * indentation indicator, 0 when there is none.
   */
  private blockIndentIndicator(q: number, lineEnd: number): number {
    const { text } = this;
    let chomp = false;
    let explicit = 0;
    for (;;) {
      const c = text.charCodeAt(q);
      if ((c === 43 /* + */ || c === DASH) && !chomp) chomp = true;
      else if (c >= 49 /* 1 */ && c <= 57 /* 9 */ && explicit === 0) explicit = c - 48;
      else break;
      q++;
    }
    this.expectLineEnd(q, lineEnd);
    return explicit;
  }

  private isFlowStart(p: number): boolean {
    const c = this.text.charCodeAt(p);
    return c === 91 /* [ */ || c === 123; /* { */
  }

  /**
   * The flow collection at p, in a collection indented ownerIndent columns (-1 for the document's
   * root, as a JSON manifest is): its lines go on until it closes.
   */
  private flow(p: number, ownerIndent: number): YamlNode {
    const flow = new FlowScanner(this.text, p, this.end, ownerIndent);
    const node = flow.node(this.stack.length + 1);
    this.pos = flow.finishLine();
    return node;
  }

  /** `&name value`: the anchor is dropped (an alias to it declines), and the value read as if it stood alone. */
  private anchored(p: number, lineEnd: number, ownerIndent: number, key: string, holder: Frame): YamlNode | null {
    const { text } = this;
    let q = p + 1;
    while (q < lineEnd && !isBlank(text.charCodeAt(q)) && text.charCodeAt(q) !== CR) {
      if (isFlowIndicator(text.charCodeAt(q))) decline();
      q++;
    }
    // A node has at most one anchor: yaml reports a second one, also on the line below the first.
    if (q === p + 1 || this.anchorAbove) decline();
    const name = text.slice(p + 1, q);
    while (isBlank(text.charCodeAt(q))) q++;
    // An anchor before a key or a `- ` would anchor a collection that starts on this line, or its
    // first key: left to yaml, as an anchor on an alias (an error) is.
    const next = text.charCodeAt(q);
    if (next === 38 /* & */ || next === 42 /* * */ || this.isDashItem(q) || this.keyEnd(q, lineEnd) >= 0) decline();
    // Defined from here on: an alias inside the node itself refers to its ancestor, which yaml reads as null.
    this.anchors.set(name, null);
    const value = this.value(q, lineEnd, ownerIndent, key, holder);
    if (value === null) this.anchorPending = name;
    else this.anchors.set(name, value);
    return value;
  }

  /**
   * `*name`: the node of the last anchor of that name before it, shared as slowParse.ts shares it.
   * Left to yaml: an unknown name, an anchor on an empty node or on a collection not yet ended (an
   * alias to an ancestor), and an alias that would nest collections past MAX_DEPTH.
   */
  private alias(p: number, lineEnd: number, holder: Frame): YamlNode {
    const { text } = this;
    let q = p + 1;
    while (q < lineEnd && isAnchorChar(text.charCodeAt(q))) q++;
    if (q === p + 1) decline();
    this.expectLineEnd(q, lineEnd);
    const target = this.anchors.get(text.slice(p + 1, q));
    if (!target || this.stack[this.stack.length - 1] !== holder) decline();
    if (target.type !== 'scalar') {
      // The alias's node sits one level below its holder, the top of the stack.
      if (this.stack.some((frame) => frame.node === target)) decline();
      if (this.stack.length + this.height(target) > MAX_DEPTH) decline();
    }
    this.aliasTarget = target;
    this.aliasEnd = q;
    return target;
  }

  /** Levels of collections in node, itself included (0 for a scalar); memoized, as aliases share nodes. */
  private height(node: YamlNode | null): number {
    if (node === null || node.type === 'scalar') return 0;
    const known = this.heights.get(node);
    if (known !== undefined) return known;
    let below = 0;
    if (node.type === 'map') for (const pair of node.pairs) below = Math.max(below, this.height(pair.value));
    else for (const item of node.items) below = Math.max(below, this.height(item));
    this.heights.set(node, below + 1);
    return below + 1;
  }

  /** Where the plain scalar at p ends on this line (before trailing blanks), and whether a comment ends it. */
  private plainEnd(p: number, lineEnd: number): { at: number; comment: boolean } {
    const { text } = this;
    for (let q = p; q < lineEnd; q++) {
      const d = text.charCodeAt(q);
      if (d === HASH && isBlank(text.charCodeAt(q - 1))) return { at: this.trimEnd(p, q), comment: true };
      // `a: b` inside a plain value is a syntax error (or a construct this scanner leaves alone).
      if (d === COLON && (q + 1 >= lineEnd || isBlank(text.charCodeAt(q + 1)) || text.charCodeAt(q + 1) === CR)) decline();
    }
    return { at: this.trimEnd(p, lineEnd), comment: false };
  }

  /** A line deeper than the open plain scalar's collection, which continues the scalar. */
  private continuePlain(p: number, lineEnd: number): void {
    const open = this.openPlain!;
    if (open.decoded) decline();
    const end = this.plainEnd(p, lineEnd);
    open.scalar.value = '';
    open.scalar.undecoded = true;
    open.scalar.end = end.at;
    if (end.at > open.holder.node.end) open.holder.node.end = end.at;
    if (end.comment) this.openPlain = null;
  }
}
