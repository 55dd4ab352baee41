/**
 * Line boundaries in the file text, for spans and edits that stop at a line's end.
 * A line ends before its "\n", and before the "\r" of a "\r\n", so CRLF files get exact spans.
 */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function lineEndOf(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  if (newline < 0) return text.length;
  return newline > offset && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
}
