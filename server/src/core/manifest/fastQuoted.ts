/**
 * Where a quoted scalar ends, for the fast line scanner (fastParse.ts): from its opening quote across
 * lines to the closing one, with each continuation line's indentation and each escape checked as the
 * `yaml` package checks them, so that a scalar accepted here is one yaml reads without a problem.
 */
import { CR, decline, DQUOTE, SPACE, SQUOTE } from './fastScan';

const BACKSLASH = 92;

/** What the two-character escapes stand for in a double-quoted scalar, as yaml decodes them (its escapeCodes). */
const ESCAPED: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  '\t': '\t',
};

export interface QuotedExtent {
  /** Offset of the closing quote. */
  readonly close: number;
  /** Where the line of the closing quote ends (its LF, or the end of the document). */
  readonly lineEnd: number;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/**
 * How many characters the escape at `at` (a backslash) takes before scanning goes on; an escaped line
 * break takes only the backslash (and a CR), leaving the LF to the caller. Declines escapes yaml rejects.
 */
function escapeLength(text: string, at: number, lineEnd: number): number {
  const next = text.charCodeAt(at + 1);
  if (at + 1 === lineEnd) return 1;
  if (next === CR && at + 2 === lineEnd) return 2;
  if (Object.hasOwn(ESCAPED, text.charAt(at + 1))) return 2;
  const digits = next === 120 /* x */ ? 2 : next === 117 /* u */ ? 4 : next === 85 /* U */ ? 8 : 0;
  if (digits === 0 || at + 2 + digits > lineEnd) decline();
  for (let i = at + 2; i < at + 2 + digits; i++) if (!isHex(text.charCodeAt(i))) decline();
  // String.fromCodePoint, which yaml decodes with, rejects code points past U+10FFFF.
  if (parseInt(text.slice(at + 2, at + 2 + digits), 16) > 0x10ffff) decline();
  return 2 + digits;
}

/** The end of the line that starts at `from` (its LF, or `end`). */
function lineEndFrom(text: string, from: number, end: number): number {
  const newline = text.indexOf('\n', from);
  return newline < 0 || newline >= end ? end : newline;
}

/**
 * The quoted scalar whose opening quote is at p, on the line ending at lineEnd, in a collection
 * indented ownerIndent columns (its continuation lines must be indented deeper, or be blank), within
 * the document ending at end. Declines a scalar that does not close before end.
 */
export function quotedExtent(text: string, p: number, lineEnd: number, ownerIndent: number, end: number): QuotedExtent {
  const quote = text.charCodeAt(p);
  let q = p + 1;
  for (;;) {
    if (q >= lineEnd) {
      if (lineEnd >= end) decline();
      const start = lineEnd + 1;
      lineEnd = lineEndFrom(text, start, end);
      let n = start;
      while (text.charCodeAt(n) === SPACE) n++;
      const blank = n === lineEnd || (text.charCodeAt(n) === CR && n + 1 === lineEnd);
      if (!blank && n - start <= ownerIndent) decline();
      q = start;
      continue;
    }
    const c = text.charCodeAt(q);
    if (c === quote) {
      if (quote === SQUOTE && text.charCodeAt(q + 1) === SQUOTE) {
        q += 2;
        continue;
      }
      return { close: q, lineEnd };
    }
    if (quote === DQUOTE && c === BACKSLASH) {
      q += escapeLength(text, q, lineEnd);
      continue;
    }
    q++;
  }
}

/**
 * The value of the double-quoted scalar whose quotes are at open and close on one line: its text
 * with each escape decoded as yaml decodes it (escapeLength declines the ones yaml rejects).
 */
export function decodeDoubleQuoted(text: string, open: number, close: number): string {
  let value = '';
  let from = open + 1;
  // A loop to close, not indexOf, which would search past the scalar to the end of the text.
  for (let at = from; at < close; at++) {
    if (text.charCodeAt(at) !== BACKSLASH) continue;
    const length = escapeLength(text, at, close);
    const decoded = length === 2 ? ESCAPED[text.charAt(at + 1)] : String.fromCodePoint(parseInt(text.slice(at + 2, at + length), 16));
    value += text.slice(from, at) + decoded;
    from = at + length;
    at = from - 1;
  }
  return value + text.slice(from, close);
}
