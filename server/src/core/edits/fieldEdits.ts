/**
 * Byte-minimal edits to image fields. Each one touches only the scalar it changes, or inserts or
 * removes one `key: value` entry, so comments, quoting and the rest of the file stay byte-identical.
 * Offsets are absolute: callers pass the document start that the field's relative spans add to.
 * The mappings edited are the image records' (containers, image volumes, …) and kustomize `images:` entries (`MappingFields`).
 * Each edit is planned with what it means to do, and reaches a file only through checkEdits.ts,
 * which re-reads the edited document to confirm it.
 */
import { lineEndOf, lineStartOf } from '../lines';
import type { ContainerFields, Field } from '../manifest/imageFields';
import type { YamlScalar } from '../manifest/yamlTree';
import type { PlannedEdit } from './checkEdits';
import type { TextEdit } from './textEdit';

/** Writes value in the scalar's own quoting style. */
function quoteLike(scalar: YamlScalar, value: string): string {
  if (scalar.style === 'single') return `'${value.replace(/'/g, "''")}'`;
  if (scalar.style === 'double') return `"${value.replace(/[\\"]/g, (c) => '\\' + c)}"`;
  return value;
}

/**
 * Replaces the scalar with value in the same quoting style (a block scalar becomes plain). A block
 * scalar's span ends with its last content line (manifest/slowParse.ts), so its line break stays.
 */
export function replaceScalar(docStart: number, scalar: YamlScalar, value: string): PlannedEdit {
  const edit = { start: docStart + scalar.start, end: docStart + scalar.end, newText: quoteLike(scalar, value) };
  return { edit, intent: { kind: 'replace', scalar, value } };
}

function eolOf(text: string): string {
  return /\r\n/.test(text.slice(0, 4096)) ? '\r\n' : '\n';
}

/** Where a mapping starts (document-relative) and whether it is written `{...}`. */
export type MappingFields = Pick<ContainerFields, 'start' | 'flow'>;

/**
 * Inserts `key: value` right after the entry `after` of a mapping: on a new line with that key's own
 * indentation in block style (that is the sibling keys' column, also after `- `; after a comment
 * that ends the line, with the file's own line break), or as `, key: value` in a flow mapping.
 * `value` is written as given, so it must be a plain scalar.
 */
export function insertEntryAfter(text: string, docStart: number, mapping: MappingFields, after: Field, key: string, value: string): PlannedEdit {
  const intent = { kind: 'insert', after, key, value } as const;
  const afterValue = docStart + (after.value ?? after.key).end;
  if (mapping.flow) return { edit: { start: afterValue, end: afterValue, newText: `, ${key}: ${value}` }, intent };
  const keyStart = docStart + after.key.start;
  const column = keyStart - lineStartOf(text, keyStart);
  const at = lineEndOf(text, afterValue);
  return { edit: { start: at, end: at, newText: `${eolOf(text)}${' '.repeat(column)}${key}: ${value}` }, intent };
}

/** Inserts the location's pull policy key (`imagePullPolicy`, an image volume's `pullPolicy`) right after the image entry (see insertEntryAfter). */
export function insertPullPolicy(text: string, docStart: number, container: ContainerFields, value: string): PlannedEdit | null {
  const key = container.location.policyKey;
  return container.image && key !== null ? insertEntryAfter(text, docStart, container, container.image, key, value) : null;
}

/**
 * Replaces one whole `key: value` entry (key, separator and value; not a comment after it) with
 * `key: value`, for example kustomize's `newTag: "1.0"` with `digest: sha256:…`. `value` is written
 * as given, so it must be a plain scalar.
 */
export function replaceEntry(docStart: number, field: Field, key: string, value: string): PlannedEdit {
  const edit = { start: docStart + field.key.start, end: docStart + (field.value ?? field.key).end, newText: `${key}: ${value}` };
  return { edit, intent: { kind: 'rename', field, key, value } };
}

/**
 * Removes one entry of a container. In block style the entry must own its line (nothing but
 * indentation before the key and at most a comment after the value), and the whole line goes;
 * an entry that shares its line with `- ` is left alone (removing it would take the dash).
 * In flow style the entry and its separating comma go.
 */
export function removeEntry(text: string, docStart: number, container: MappingFields, field: Field): PlannedEdit | null {
  const edit = removalOf(text, docStart, container, field);
  return edit && { edit, intent: { kind: 'remove', field } };
}

function removalOf(text: string, docStart: number, container: MappingFields, field: Field): TextEdit | null {
  const keyStart = docStart + field.key.start;
  const valueEnd = docStart + (field.value ?? field.key).end;
  if (container.flow) {
    const before = text.slice(docStart + container.start, keyStart);
    const comma = before.lastIndexOf(',');
    if (comma >= 0) return { start: docStart + container.start + comma, end: valueEnd, newText: '' };
    const after = /^\s*,\s*/.exec(text.slice(valueEnd));
    return after ? { start: keyStart, end: valueEnd + after[0].length, newText: '' } : null;
  }
  const lineStart = lineStartOf(text, keyStart);
  if (text.slice(lineStart, keyStart).trim() !== '') return null;
  const lineEnd = lineEndOf(text, valueEnd);
  const rest = text.slice(valueEnd, lineEnd).trim();
  if (rest !== '' && !rest.startsWith('#')) return null;
  const newline = text.indexOf('\n', lineEnd);
  if (newline < 0 && lineStart > 0) {
    // The entry is on the file's last line, which has no line break: remove the break before it
    // instead, so the file still ends without one and no trailing break is left behind.
    const breakStart = text.charCodeAt(lineStart - 2) === 13 ? lineStart - 2 : lineStart - 1;
    return { start: breakStart, end: text.length, newText: '' };
  }
  return { start: lineStart, end: newline < 0 ? lineEnd : newline + 1, newText: '' };
}
