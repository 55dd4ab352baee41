/**
 * Bounds the `yaml` package's recursion. Its lexer and parser build the CST with loops, but its
 * composer recurses once per nested collection and, when the stack runs out, catches the RangeError
 * and goes on at whatever depth the caller's stack allowed, with V8 at the edge of its stack (a
 * regexp compiled there aborts the whole process). So before composing, every collection nested
 * deeper than MAX_DEPTH is replaced by an empty scalar at its offset: yaml composes a null there
 * and everything else as written, with its own offsets.
 */
import { CST } from 'yaml';
import { MAX_DEPTH } from './yamlTree';

type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

/** Cuts the too-deep collections out of the documents in tokens; returns where the first one starts, or null. */
export function cutDeepCollections(tokens: readonly CST.Token[]): number | null {
  let first: number | null = null;
  const pending: { collection: Collection; depth: number }[] = [];
  for (const token of tokens) if (token.type === 'document' && CST.isCollection(token.value)) pending.push({ collection: token.value, depth: 1 });
  for (let next = pending.pop(); next; next = pending.pop()) {
    // Keys are walked too: yaml composes a complex key (`? [a]`, `[a]: b`) like any node.
    for (const item of next.collection.items as CST.CollectionItem[]) {
      for (const slot of ['key', 'value'] as const) {
        const child = item[slot];
        if (!CST.isCollection(child)) continue;
        if (next.depth < MAX_DEPTH) {
          pending.push({ collection: child, depth: next.depth + 1 });
          continue;
        }
        item[slot] = { type: 'scalar', offset: child.offset, indent: child.indent, source: '' };
        if (first === null || child.offset < first) first = child.offset;
      }
    }
  }
  return first;
}
