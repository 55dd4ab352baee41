/**
 * A document's `kind` and `apiVersion` read from its lines at column 0 alone, without parsing it,
 * so a document whose kind holds no images (a CustomResourceDefinition's schema, a ConfigMap's data:
 * most of the bytes of real repositories) need not be parsed at all.
 *
 * The reading is given only where it cannot differ from a parser's: the root is a block mapping at
 * column 0 whose every line at column 0 is a comment or a `key: value` with a plain key, no key is
 * there twice, and no value on such a line can go on over the next lines into another top-level
 * line (no block scalar, flow collection or unfinished quote; a value on the line is followed by a
 * line at column 0). YAML puts everything indented below such a line inside its value, so of the
 * indented lines only their columns are read: one less indented than the first line below its key,
 * or at that column but not what the collection there holds, is a syntax error that yaml's recovery
 * may read as a top-level key. Anything else (a directive, a tab, a lone CR, an anchor or tag at the
 * top, a `kind` that is null or not one plain word) gives null, and the caller parses.
 */

export interface TopLevelKind {
  readonly kind: string;
  /** Null when the document has no `apiVersion`. */
  readonly apiVersion: string | null;
}

const KEY_LINE = /^([A-Za-z_][\w./-]*):(?:[ \t]+(.*))?$/;
const TRAILING_COMMENT = /(?:[ \t]+#.*)?[ \t]*$/;
const DOUBLE_QUOTED = /^"[^"\\]*"(?:[ \t]+#.*)?[ \t]*$/;
const SINGLE_QUOTED = /^'(?:[^']|'')*'(?:[ \t]+#.*)?[ \t]*$/;
const EMPTY_COLLECTION = /^(?:\{\}|\[\])(?:[ \t]+#.*)?[ \t]*$/;
/** Characters that start something other than a plain scalar, or that this reading leaves to a parser. */
const NOT_PLAIN = /^[&*!%@`|>?,[\]{}"']|^-(?:[ \t]|$)/;
/** `kind` and `apiVersion` values this reading takes: one plain word, or one quoted without escapes. */
const WORD = /^(?:([A-Za-z0-9][\w./-]*)|"([\w./-]+)"|'([\w./-]+)')(?:[ \t]+#.*)?[ \t]*$/;
const NULL_WORD = /^(?:~|null|Null|NULL)$/;
/** A key whose value starts on the next line, which may be a sequence at the key's own column. */
const OPENS_BLOCK = /^[A-Za-z_][\w./-]*:[ \t]*(?:#.*)?\r?$/;

export function topLevelKind(source: string): TopLevelKind | null {
  if (hasLoneCarriageReturn(source)) return null;
  const hasTab = source.includes('\t');
  const keys = new Set<string>();
  let kind: string | null = null;
  let apiVersion: string | null = null;
  let sawKey = false;
  let sawMarker = false;
  /** The last top-level key had its value on its own line, so no indented line may follow. */
  let valueOnLine = false;
  /** The column of the first indented line below the last top-level key, and whether it is a sequence entry. */
  let blockColumn = -1;
  let blockIsSequence = false;
  /** In a mapping at blockColumn, the last key there opened a value below it, so entries of a sequence may follow at its column. */
  let entriesMayFollow = false;
  for (let lineStart = 0; lineStart < source.length;) {
    const newline = source.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? source.length : newline;
    const first = source.charCodeAt(lineStart);
    const at = lineStart;
    lineStart = lineEnd + 1;
    if (first === 32 /* space */) {
      // Most lines are deeper than their block's first line: nothing in them can reach the top level.
      if (blockColumn >= 0 && !hasTab && spacesThrough(source, at, blockColumn)) continue;
      let indent = at;
      while (source.charCodeAt(indent) === 32) indent++;
      const c = source.charCodeAt(indent);
      if (indent === lineEnd || c === 13 /* CR */ || c === 35 /* # */) continue;
      // Indented content belongs to the value of the top-level key above it, which must be one that goes on below its line.
      if (!sawKey || valueOnLine || c === 9 /* tab */) return null;
      // A line less indented than the block's first, or at its column but not what that collection holds (an
      // entry in a mapping where no key opened a sequence, a key in a sequence), is a syntax error that yaml's
      // recovery may read as a top-level key.
      const column = indent - at;
      const entry = c === 45 /* - */ && isBlank(source.charCodeAt(indent + 1));
      if (blockColumn < 0) [blockColumn, blockIsSequence, entriesMayFollow] = [column, entry, false];
      else if (column < blockColumn) return null;
      if (column === blockColumn) {
        if (blockIsSequence || entry) {
          if (entry !== blockIsSequence && !entriesMayFollow) return null;
        } else entriesMayFollow = OPENS_BLOCK.test(source.slice(indent, lineEnd));
      }
      continue;
    }
    const line = source.slice(at, source.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd);
    if (line === '' || first === 35 /* # */) continue;
    // The document's own start marker: a second one would start another document.
    if (!sawKey && !sawMarker && /^---(?:[ \t]+#.*)?[ \t]*$/.test(line)) {
      sawMarker = true;
      continue;
    }
    const match = KEY_LINE.exec(line);
    if (match === null || keys.has(match[1])) return null;
    keys.add(match[1]);
    sawKey = true;
    blockColumn = -1;
    const value = match[2] ?? '';
    valueOnLine = value !== '' && !value.startsWith('#');
    if (valueOnLine && !endsOnItsLine(value)) return null;
    if (match[1] === 'kind' || match[1] === 'apiVersion') {
      const word = valueOnLine ? wordOf(value) : null;
      if (word === null) return null;
      if (match[1] === 'kind') kind = word;
      else apiVersion = word;
    }
  }
  return kind === null ? null : { kind, apiVersion };
}

/** Whether a value written after `key: ` is whole on its line, so the lines after it cannot continue it. */
function endsOnItsLine(value: string): boolean {
  if (DOUBLE_QUOTED.test(value) || SINGLE_QUOTED.test(value) || EMPTY_COLLECTION.test(value)) return true;
  if (NOT_PLAIN.test(value)) return false;
  const plain = value.replace(TRAILING_COMMENT, '');
  return !/:(?:[ \t]|$)/.test(plain) && !/[ \t]#/.test(plain);
}

/** The string a `kind` or `apiVersion` value is, or null when it is not one word this reading is sure of. */
function wordOf(value: string): string | null {
  const match = WORD.exec(value);
  if (match === null) return null;
  if (match[1] !== undefined) return NULL_WORD.test(match[1]) ? null : match[1];
  return match[2] ?? match[3];
}

/** Whether the characters from `at` to `at + column` (included) are all spaces. */
function spacesThrough(source: string, at: number, column: number): boolean {
  for (let i = at + column; i >= at; i--) if (source.charCodeAt(i) !== 32) return false;
  return true;
}

/** A space, tab or line break after a `-`, or the end of the text: what makes it a sequence entry. */
function isBlank(c: number): boolean {
  return Number.isNaN(c) || c === 32 || c === 9 || c === 10 || c === 13;
}

/** YAML breaks lines at a CR as at an LF; the lines here are split at LF only. */
function hasLoneCarriageReturn(source: string): boolean {
  for (let at = source.indexOf('\r'); at >= 0; at = source.indexOf('\r', at + 1)) {
    if (source.charCodeAt(at + 1) !== 10) return true;
  }
  return false;
}
