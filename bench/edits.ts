/** The edit the benchmarks time: one character typed in a document in the middle of a file. */
import type { Analysis } from '../server/src/core/analysis';

/**
 * Two versions of text, each one character longer than it: the same spot (the end of the metadata
 * name of the document in the middle) gets 'x' in one and 'y' in the other, so alternating them makes
 * every run a real change against the analysis of the unedited text, and shifts every later document.
 */
export function editedVersions(text: string, analysis: Analysis): { versions: [string, string]; documentIndex: number } {
  const docs = analysis.documents;
  for (let index = docs.length >> 1; index < docs.length; index++) {
    const doc = docs[index];
    const source = text.slice(doc.start, doc.end);
    const nameAt = source.indexOf('\n  name: ');
    if (nameAt < 0) continue;
    const at = doc.start + source.indexOf('\n', nameAt + 1);
    return { versions: [text.slice(0, at) + 'x' + text.slice(at), text.slice(0, at) + 'y' + text.slice(at)], documentIndex: index };
  }
  throw new Error('no document with metadata.name after the middle');
}
