/**
 * The fast path's scanner for flow collections (`[a, b]`, `{k: v}`) inside block-style manifests,
 * such as `args: ["--port", "8080"]`. fastParse.ts hands it the position of the opening bracket.
 */
import { charClass, COLON, CR, DASH, decline, DQUOTE, HASH, isBlank, isBreak, isFlowIndicator, LF, SPACE, SQUOTE, TAB } from './fastScan';
import { decodeDoubleQuoted } from './fastQuoted';
import { MAX_DEPTH } from './yamlTree';
import type { YamlMap, YamlNode, YamlPair, YamlScalar, YamlSeq } from './yamlTree';

/** Indicators that cannot start a plain scalar in a flow collection, or start something this scanner declines. */
const cannotStartPlain = charClass('[]{},#&*!|>%@`?:');

/**
 * Flow collections (`[a, b]`, `{k: v}`), which may span lines. Same contract as the line scanner:
 * decline anything beyond plain and quoted scalars, nested collections and `key: value` pairs,
 * and collections nested deeper than MAX_DEPTH (which also bounds this scanner's recursion).
 */
export class FlowScanner {
  private p: number;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
    private readonly ownerIndent: number,
  ) {
    this.p = start;
  }

  /** After the collection: checks the rest of its line and returns the start of the next line. */
  finishLine(): number {
    const { text } = this;
    let q = this.p;
    while (q < this.end && isBlank(text.charCodeAt(q))) q++;
    if (q < this.end && text.charCodeAt(q) === HASH) q = text.indexOf('\n', q);
    else if (q < this.end && text.charCodeAt(q) === CR) q++;
    if (q < 0) return this.end;
    if (q < this.end && text.charCodeAt(q) !== LF) decline();
    return Math.min(q + 1, this.end);
  }

  /** The node at the current position; `depth` is the level a collection there would have. */
  node(depth: number): YamlNode {
    this.skipSpace();
    const c = this.text.charCodeAt(this.p);
    if (c !== 91 /* [ */ && c !== 123 /* { */) return this.scalar();
    if (depth > MAX_DEPTH) decline();
    return c === 91 ? this.seq(depth) : this.map(depth);
  }

  /** Skips whitespace, line breaks and comments; continuation lines must be indented. */
  private skipSpace(): void {
    const { text } = this;
    for (;;) {
      const c = text.charCodeAt(this.p);
      if (c === SPACE || c === TAB || c === CR) this.p++;
      else if (c === HASH && isBlank(text.charCodeAt(this.p - 1))) {
        const nl = text.indexOf('\n', this.p);
        this.p = nl < 0 ? this.end : nl;
      } else if (c === LF) {
        this.p++;
        let indent = 0;
        while (text.charCodeAt(this.p + indent) === SPACE) indent++;
        const next = text.charCodeAt(this.p + indent);
        if (indent <= this.ownerIndent && !isBreak(next) && next !== HASH) decline();
      } else break;
      if (this.p >= this.end) decline();
    }
  }

  /**
   * Reads a flow collection from its opening bracket to `close`, one entry per `readEntry` call,
   * entries separated by commas (a trailing comma allowed); returns the collection's span.
   */
  private collection(close: number, readEntry: () => void): { readonly start: number; readonly end: number } {
    const start = this.p++;
    for (;;) {
      this.skipSpace();
      if (this.text.charCodeAt(this.p) === close) break;
      readEntry();
      this.skipSpace();
      const c = this.text.charCodeAt(this.p);
      if (c === 44 /* , */) this.p++;
      else if (c !== close) decline();
    }
    this.p++;
    return { start, end: this.p };
  }

  private seq(depth: number): YamlSeq {
    const items: (YamlNode | null)[] = [];
    const span = this.collection(93 /* ] */, () => items.push(this.node(depth + 1)));
    return { type: 'seq', flow: true, items, ...span };
  }

  private map(depth: number): YamlMap {
    const pairs: YamlPair[] = [];
    const span = this.collection(125 /* } */, () => {
      const key = this.scalar();
      if (key.style === 'plain' && key.value === '<<') decline(); // A merge key, as in the block scanner.
      this.skipSpace();
      if (this.text.charCodeAt(this.p) !== COLON) decline();
      this.p++;
      this.skipSpace();
      const c = this.text.charCodeAt(this.p);
      pairs.push({ key, value: c === 44 || c === 125 ? null : this.node(depth + 1) });
    });
    return { type: 'map', flow: true, pairs, ...span };
  }

  private scalar(): YamlScalar {
    const { text } = this;
    const start = this.p;
    const c = text.charCodeAt(start);
    if (c === DQUOTE || c === SQUOTE) {
      // On one line (a line break inside is declined), an escape passed over here and decoded after.
      for (let q = start + 1; q < this.end; q++) {
        const d = text.charCodeAt(q);
        if (c === DQUOTE && d === 92 /* \\ */) q++;
        const e = text.charCodeAt(q);
        if (e === LF || e === CR) decline();
        if (d !== c) continue;
        if (c === SQUOTE && text.charCodeAt(q + 1) === SQUOTE) {
          q++;
          continue;
        }
        this.p = q + 1;
        const value = c === SQUOTE ? text.slice(start + 1, q).replace(/''/g, "'") : decodeDoubleQuoted(text, start, q);
        return { type: 'scalar', value, style: c === SQUOTE ? 'single' : 'double', start, end: q + 1 };
      }
      decline();
    }
    // `-` before a blank, a flow indicator or a line break is a block sequence indicator to yaml (an
    // error in flow), not the plain scalar "-": decline it.
    const next = text.charCodeAt(start + 1);
    if (cannotStartPlain(c) || (c === DASH && (isBlank(next) || isBreak(next) || isFlowIndicator(next)))) decline();
    let q = start;
    for (; q < this.end; q++) {
      const d = text.charCodeAt(q);
      if (d === 44 || d === 91 || d === 93 || d === 123 || d === 125 || d === LF || d === CR) break;
      if (d === HASH && isBlank(text.charCodeAt(q - 1))) break;
      if (d === COLON) {
        const after = text.charCodeAt(q + 1);
        if (isBlank(after) || isBreak(after) || after === 44 || after === 91 || after === 93 || after === 123 || after === 125) break;
      }
    }
    let end = q;
    while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
    if (end === start) decline();
    this.p = q;
    // A plain scalar that goes on after a line break is a multi-line scalar: declined.
    if (text.charCodeAt(q) === LF || text.charCodeAt(q) === CR) {
      this.skipSpace();
      const next = text.charCodeAt(this.p);
      if (next !== 44 && next !== 93 && next !== 125 && next !== COLON) decline();
    }
    return { type: 'scalar', value: text.slice(start, end), style: 'plain', start, end };
  }
}
