/**
 * Where a text stops being JSON (RFC 8259), to name a broken credential file by line and column.
 * Hand-written because JSON.parse's messages are unusable here: for an unexpected token V8 quotes
 * about ten characters of the input around it (in a docker config, part of a password) and gives no
 * position; and no dependency of ours locates JSON errors. It runs only after JSON.parse failed.
 */

const LITERALS: Readonly<Record<string, string>> = { t: 'true', f: 'false', n: 'null' };
const WHITESPACE = /[ \t\n\r]*/y;
const DIGITS = /[0-9]*/y;

type Scan = { readonly end: number } | { readonly error: number };

/** Past the digits at `at`, or an error there when there is none. */
function digits(text: string, at: number): Scan {
  DIGITS.lastIndex = at;
  DIGITS.test(text);
  return DIGITS.lastIndex > at ? { end: DIGITS.lastIndex } : { error: at };
}

/** The end of the number starting at `start`, or the offset of the first error in it (where V8 reports it). */
function numberEnd(text: string, start: number): Scan {
  let i = text[start] === '-' ? start + 1 : start;
  if (text[i] === '0') i += 1;
  else {
    const whole = digits(text, i);
    if ('error' in whole) return whole;
    i = whole.end;
  }
  if (text[i] === '.') {
    const fraction = digits(text, i + 1);
    if ('error' in fraction) return fraction;
    i = fraction.end;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    const sign = text[i + 1] === '+' || text[i + 1] === '-' ? 1 : 0;
    const exponent = digits(text, i + 1 + sign);
    if ('error' in exponent) return exponent;
    i = exponent.end;
  }
  return { end: i };
}

/** The end of the string literal starting at `start` (just past its closing quote), or the offset of the first error in it. */
function stringEnd(text: string, start: number): Scan {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return { end: i + 1 };
    if (c < 0x20) return { error: i };
    if (c === 0x5c) {
      const escaped = text[i + 1];
      if (escaped === 'u') {
        for (let hex = i + 2; hex < i + 6; hex++) if (!/[0-9a-fA-F]/.test(text[hex] ?? '')) return { error: Math.min(hex, text.length) };
        i += 6;
      } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) i += 2;
      else return { error: i + 1 };
    } else i += 1;
  }
  return { error: text.length };
}

function skipWhitespace(text: string, at: number): number {
  WHITESPACE.lastIndex = at;
  WHITESPACE.test(text);
  return WHITESPACE.lastIndex;
}

/** The offset of the first character that makes `text` not JSON (its length when it ends too soon), or null when it is JSON. */
export function jsonErrorOffset(text: string): number | null {
  // Open containers, innermost last; iterative, so deep nesting cannot overflow the stack.
  const open: string[] = [];
  let i = skipWhitespace(text, 0);
  let want: 'value' | 'key' | 'after' = 'value';
  while (true) {
    if (want === 'value') {
      const c = text[i];
      if (c === '{' || c === '[') {
        open.push(c);
        i = skipWhitespace(text, i + 1);
        if (text[i] === (c === '{' ? '}' : ']')) {
          open.pop();
          i += 1;
          want = 'after';
        } else want = c === '{' ? 'key' : 'value';
        continue;
      }
      if (c === '"') {
        const string = stringEnd(text, i);
        if ('error' in string) return string.error;
        i = string.end;
      } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
        const number = numberEnd(text, i);
        if ('error' in number) return number.error;
        i = number.end;
      } else {
        const literal = c === undefined ? undefined : LITERALS[c];
        if (literal === undefined) return i;
        for (let k = 1; k < literal.length; k++) if (text[i + k] !== literal[k]) return i + k;
        i += literal.length;
      }
      want = 'after';
    } else if (want === 'key') {
      if (text[i] !== '"') return i;
      const key = stringEnd(text, i);
      if ('error' in key) return key.error;
      i = skipWhitespace(text, key.end);
      if (text[i] !== ':') return i;
      i = skipWhitespace(text, i + 1);
      want = 'value';
      continue;
    }
    // want === 'after': a value just ended.
    i = skipWhitespace(text, i);
    const container = open.at(-1);
    if (container === undefined) return i === text.length ? null : i;
    const c = text[i];
    if (c === ',') {
      i = skipWhitespace(text, i + 1);
      want = container === '{' ? 'key' : 'value';
    } else if (c === (container === '{' ? '}' : ']')) {
      open.pop();
      i += 1;
    } else return i;
  }
}

/** 1-based line and column (in UTF-16 units, as editors count them) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: (before.match(/\n/g)?.length ?? 0) + 1, column: offset - lineStart + 1 };
}
