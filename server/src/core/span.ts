/**
 * Positions in the core are UTF-16 offsets into the whole file text (what JavaScript strings index),
 * and spans are half-open: `[start, end)`. Only front ends convert to lines and columns.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}
