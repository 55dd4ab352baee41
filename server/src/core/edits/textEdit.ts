/** A replacement of `[start, end)` in the file text by `newText`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/**
 * Applies non-overlapping edits (in any order) to text. Edits at the same offset keep their array
 * order in the result, as LSP specifies for inserts at one position: they are applied last to first.
 * (Sorting by end as the tie-break reversed two inserts at one offset.)
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits.map((edit, index) => ({ edit, index })).sort((a, b) => b.edit.start - a.edit.start || b.index - a.index);
  let result = text;
  for (const { edit } of sorted) result = result.slice(0, edit.start) + edit.newText + result.slice(edit.end);
  return result;
}
