/**
 * The `yaml` package's parseDocument with its recursion bounded. Its lexer and parser build the CST
 * with loops, but its composer recurses once per nested collection and, when the stack runs out,
 * catches the RangeError and goes on at whatever depth the caller's stack allowed, with V8 at the
 * edge of its stack (a regexp compiled there aborts the whole process). So between parsing and
 * composing, every collection nested deeper than MAX_DEPTH is replaced by an empty scalar at its
 * offset: yaml composes a null there and everything else as written, with its own offsets.
 */
import { Composer, CST, Parser, YAMLParseError } from 'yaml';
import type { Document, DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';
import { MAX_DEPTH } from './yamlTree';

export interface BoundedDocument {
  /** As parseDocument returns it, with a MULTIPLE_DOCS error if the source holds more than one. */
  readonly document: Document.Parsed;
  /** Where the first collection left out for its depth starts in the source, or null. */
  readonly cutAt: number | null;
}

/** parseDocument's options, but for the line counter and pretty errors, which it alone applies. */
export type BoundedOptions = DocumentOptions & SchemaOptions & Omit<ParseOptions, 'lineCounter' | 'prettyErrors'>;

export function parseBoundedDocument(source: string, options: BoundedOptions): BoundedDocument {
  return withoutStackTraces(() => {
    const tokens = [...new Parser().parse(source)];
    const cutAt = cutDeepCollections(tokens);
    // As in parseDocument: the first document, and an error where a second one starts.
    const [document, another] = new Composer(options).compose(tokens, true, source.length);
    if (another) {
      const message = 'Source contains multiple documents; please use YAML.parseAllDocuments()';
      document.errors.push(new YAMLParseError([another.range[0], another.range[1]], 'MULTIPLE_DOCS', message));
    }
    return { document, cutAt };
  });
}

/** V8's own property of Error (the core's tsconfig has no Node types): how many frames a new error captures. */
const errorStacks = Error as { stackTraceLimit?: number };

/**
 * Runs `parse` with V8 capturing no stack for new errors. yaml makes an Error for every problem it
 * meets, and nothing reads their stacks, which cost most of the time of a templated file with
 * thousands of problems (60 % of a Helm template's parse).
 */
function withoutStackTraces<T>(parse: () => T): T {
  const limit = errorStacks.stackTraceLimit;
  errorStacks.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    errorStacks.stackTraceLimit = limit;
  }
}

type Collection = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

/** Cuts the too-deep collections out of the documents in tokens; returns where the first one starts, or null. */
function cutDeepCollections(tokens: readonly CST.Token[]): number | null {
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
