/**
 * Where a quoted scalar ends, for the fast line scanner (fastParse.ts): from its opening quote across
 * lines to the closing one, with each continuation line's indentation and each escape checked as the
 * `yaml` package checks them, so that a scalar accepted here is one yaml reads without a problem.
 */
import { CR, decline, DQUOTE, SPACE, SQUOTE } from './fastScan';

const BACKSLASH = 92;

/** The characters after `\` that stand for one character in a double-quoted scalar (yaml's escapeCodes). */
const SINGLE_ESCAPES = '0abefnrtvN_LP "/\\\t';

export interface QuotedExtent {
  /** Offset of the closing quote. */
  readonly close: number;
  /** Where the line of the closing quote ends (its LF, or the end of the document). */
  readonly lineEnd: number;
  /** On one line and without escapes: the value is the text between the quotes (`''` read as `'`). */
  readonly simple: boolean;
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
  if (SINGLE_ESCAPES.includes(text.charAt(at + 1))) return 2;
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
  let simple = true;
  let q = p + 1;
  for (;;) {
    if (q >= lineEnd) {
      if (lineEnd >= end) decline();
      simple = false;
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
      return { close: q, lineEnd, simple };
    }
    if (quote === DQUOTE && c === BACKSLASH) {
      simple = false;
      q += escapeLength(text, q, lineEnd);
      continue;
    }
    q++;
  }
}
