/**
 * Splits a YAML stream into document regions without parsing them.
 * A line that starts with `---` or `...` followed by whitespace or the line end is a document
 * marker: YAML 1.2 forbids both at column 0 inside any scalar, so no other context is needed.
 * `---` starts a region unless the current one holds only directives, comments and blank lines
 * (they are that document's prefix); `...` closes the current region.
 */
import type { Span } from '../span';

function isMarker(text: string, at: number, ch: number): boolean {
  if (text.charCodeAt(at) !== ch || text.charCodeAt(at + 1) !== ch || text.charCodeAt(at + 2) !== ch) return false;
  const next = text.charCodeAt(at + 3);
  return Number.isNaN(next) || next === 32 || next === 9 || next === 10 || next === 13;
}

function isPrefixLine(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c === 35 /* # */ || c === 37 /* % */) return true;
  for (let i = at; i < text.length; i++) {
    const d = text.charCodeAt(i);
    if (d === 10) return true;
    if (d !== 32 && d !== 9 && d !== 13) return d === 35;
  }
  return true;
}

export function splitDocuments(text: string): Span[] {
  const regions: Span[] = [];
  let start = 0;
  let prefixOnly = true;
  for (let lineStart = 0; lineStart < text.length;) {
    const newline = text.indexOf('\n', lineStart);
    const next = newline < 0 ? text.length : newline + 1;
    if (isMarker(text, lineStart, 45 /* - */)) {
      if (!prefixOnly) {
        regions.push({ start, end: lineStart });
        start = lineStart;
      }
      prefixOnly = false;
    } else if (isMarker(text, lineStart, 46 /* . */)) {
      regions.push({ start, end: next });
      start = next;
      prefixOnly = true;
    } else if (prefixOnly && !isPrefixLine(text, lineStart)) {
      prefixOnly = false;
    }
    lineStart = next;
  }
  if (start < text.length || regions.length === 0) regions.push({ start, end: text.length });
  return regions;
}
