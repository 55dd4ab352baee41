/**
 * Small text helpers for the reference parser's error messages.
 * Messages quote parts of what the user wrote, and that text can be huge or hold control characters,
 * so every quote is cut short and escaped before it reaches a message.
 */

/** Quotes are cut to this many UTF-16 units so a 1 MB input still gives a one-line message. */
const MAX_QUOTED = 60;

/** Returns `text` in double quotes with control characters escaped, shortened with "…" beyond `max` units. */
export function quote(text: string, max = MAX_QUOTED): string {
  if (text.length <= max) return JSON.stringify(text);
  let cut = max;
  // Cutting between the two halves of a surrogate pair would leave a lone surrogate in the message.
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut--;
  return JSON.stringify(text.slice(0, cut) + '…');
}

/** Returns the whole character (one code point, so one or two UTF-16 units) that starts at `index`. */
export function characterAt(text: string, index: number): string {
  const code = text.codePointAt(index);
  return code === undefined ? '' : String.fromCodePoint(code);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
