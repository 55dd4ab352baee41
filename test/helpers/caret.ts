/**
 * Position and range markers for inline fixtures, so tests read like the text they check.
 * `caret("image: ng|inx")` gives the text without the bar and the offset where it stood.
 * YAML uses `|` for literal block scalars, so a fixture that needs one passes another marker.
 * `marked("image: «Nginx»:1")` gives the text without the guillemets and the span each pair encloses.
 */
import type { Span } from '../../server/src/core/span';

export function caret(textWithBar: string, marker = '|'): { text: string; offset: number } {
  const offset = textWithBar.indexOf(marker);
  if (offset < 0) throw new Error(`caret: no ${JSON.stringify(marker)} marker in ${JSON.stringify(textWithBar)}`);
  if (textWithBar.indexOf(marker, offset + marker.length) >= 0) {
    throw new Error(`caret: more than one ${JSON.stringify(marker)} marker in ${JSON.stringify(textWithBar)}`);
  }
  return { text: textWithBar.slice(0, offset) + textWithBar.slice(offset + marker.length), offset };
}

/** Strips `«…»` pairs (not nested) and returns the spans they enclosed, in order, in the stripped text. */
export function marked(textWithMarks: string): { text: string; spans: Span[] } {
  const spans: Span[] = [];
  let text = '';
  let open = -1;
  for (const character of textWithMarks) {
    if (character === '«') {
      if (open >= 0) throw new Error(`marked: nested « in ${JSON.stringify(textWithMarks)}`);
      open = text.length;
    } else if (character === '»') {
      if (open < 0) throw new Error(`marked: » without « in ${JSON.stringify(textWithMarks)}`);
      spans.push({ start: open, end: text.length });
      open = -1;
    } else {
      text += character;
    }
  }
  if (open >= 0) throw new Error(`marked: unclosed « in ${JSON.stringify(textWithMarks)}`);
  return { text, spans };
}
