/**
 * Character codes and the decline signal shared by the fast line scanner (fastParse.ts) and its
 * flow-collection scanner (fastFlow.ts).
 */
export const SPACE = 32;
export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const HASH = 35;
export const COLON = 58;
export const DASH = 45;
export const DQUOTE = 34;
export const SQUOTE = 39;

/** Thrown to abandon the fast path; caught only in fastParse. */
export const DECLINE = Symbol('decline');

export function decline(): never {
  throw DECLINE;
}

/**
 * A membership test for the ASCII characters in `chars`, by character code: a table lookup, which the
 * scanners make for every value and key, several times faster than `includes` on a one-character slice.
 */
export function charClass(chars: string): (c: number) => boolean {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return (c) => c < 128 && table[c] === 1;
}

/** The flow indicators, which end an anchor's name and a plain scalar in a flow collection. */
export const isFlowIndicator = charClass(',[]{}');

export function isBreak(c: number): boolean {
  return c === LF || c === CR || Number.isNaN(c);
}

export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}
