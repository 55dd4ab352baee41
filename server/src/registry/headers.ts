/**
 * Parsers for the HTTP headers the registry protocol depends on: WWW-Authenticate (RFC 7235), Link (RFC 8288)
 * and Retry-After (RFC 9110). Pure functions that never throw; a header they cannot read gives an empty answer.
 */

export interface Challenge {
  /** Lowercased: "bearer", "basic". */
  readonly scheme: string;
  /** Parameter names lowercased; values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** Reads `token`, `"quoted string"` and the separators of a header value. */
class Scanner {
  position = 0;
  constructor(readonly text: string) {}

  skipSpaces(): void {
    while (this.position < this.text.length && (this.text[this.position] === ' ' || this.text[this.position] === '\t')) this.position++;
  }

  atEnd(): boolean {
    this.skipSpaces();
    return this.position >= this.text.length;
  }

  peek(): string {
    return this.text[this.position] ?? '';
  }

  token(): string {
    const start = this.position;
    while (this.position < this.text.length && TOKEN_CHAR.test(this.text[this.position])) this.position++;
    return this.text.slice(start, this.position);
  }

  /** A quoted string with backslash escapes; an unterminated one runs to the end. */
  quoted(): string {
    let value = '';
    this.position++; // opening quote
    while (this.position < this.text.length) {
      const character = this.text[this.position++];
      if (character === '"') return value;
      if (character === '\\' && this.position < this.text.length) value += this.text[this.position++];
      else value += character;
    }
    return value;
  }

  /** A parameter value: quoted string or token68-ish run up to the next comma. */
  value(): string {
    this.skipSpaces();
    if (this.peek() === '"') return this.quoted();
    const start = this.position;
    while (this.position < this.text.length && this.text[this.position] !== ',' && this.text[this.position] !== ' ') this.position++;
    return this.text.slice(start, this.position);
  }
}

/** Parses every challenge in a WWW-Authenticate header, for example `Bearer realm="…",service="…",scope="a,b"`. */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((h) => parseWwwAuthenticate(h));
  const scanner = new Scanner(header);
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  while (!scanner.atEnd()) {
    if (scanner.peek() === ',') {
      scanner.position++;
      continue;
    }
    const scheme = scanner.token();
    if (scheme === '') {
      scanner.position++; // an unexpected character: skip it rather than loop
      continue;
    }
    const challenge = { scheme: scheme.toLowerCase(), params: {} as Record<string, string> };
    challenges.push(challenge);
    // Parameters follow until a token that is not followed by "=" (the next challenge's scheme).
    for (;;) {
      if (scanner.atEnd()) break;
      if (scanner.peek() === ',') {
        scanner.position++;
        continue;
      }
      const mark = scanner.position;
      const name = scanner.token();
      scanner.skipSpaces();
      if (name === '' || scanner.peek() !== '=') {
        scanner.position = mark;
        break;
      }
      scanner.position++; // "="
      challenge.params[name.toLowerCase()] = scanner.value();
    }
  }
  return challenges;
}

/**
 * Returns the target of the `rel="next"` link in a Link header, as written (it may be relative), or undefined.
 * Handles several links in one header and commas inside quoted parameters.
 */
export function parseLinkNext(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const text = typeof header === 'string' ? header : header.join(', ');
  let position = 0;
  while (position < text.length) {
    const open = text.indexOf('<', position);
    if (open < 0) return undefined;
    const close = text.indexOf('>', open + 1);
    if (close < 0) return undefined;
    const target = text.slice(open + 1, close);
    // Parameters run to the next comma outside quotes.
    let end = close + 1;
    let inQuotes = false;
    while (end < text.length && (inQuotes || text[end] !== ',')) {
      if (text[end] === '"') inQuotes = !inQuotes;
      end++;
    }
    const params = text.slice(close + 1, end);
    for (const param of params.split(';')) {
      const match = /^\s*rel\s*=\s*(?:"([^"]*)"|([^\s;]+))\s*$/i.exec(param);
      if (match && (match[1] ?? match[2]).toLowerCase().split(/\s+/).includes('next')) return target;
    }
    position = end + 1;
  }
  return undefined;
}

/** Returns how many milliseconds a Retry-After header asks for (delay-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
