/** Markdown for hovers and documentation. */

/** Inline code: a backtick in the text becomes a quote, since Markdown inline code cannot hold one unescaped. */
export function code(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}
