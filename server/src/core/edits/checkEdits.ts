/**
 * Defence in depth for every edit the core writes: an edit is planned together with what it is
 * meant to do (EditIntent), and before anyone gets it, the document it is in is edited and parsed
 * again and both trees are compared. The edits pass only when the re-read document differs in
 * exactly the intended way:
 * - `replace`: that scalar now reads the intended value (in the same quoting; a block scalar becomes
 *   plain), exactly where the edit put it;
 * - `insert`: right after the given entry of its mapping comes one new `key: value` entry, from the
 *   inserted text only, whose key the mapping did not have;
 * - `rename`: that entry is now `key: value` (a key the mapping did not have);
 * - `remove`: that entry is gone;
 * and every other node has the same type, collection style and entry count, and every other scalar
 * the same value and style at the same place (shifted by the edits before it), untouched by any
 * edit. The document must still be one document with no more parse problems than before, and a
 * value's own check (`expect`: for an image, that it parses as the intended reference) must pass on
 * the value re-read. Otherwise the edits are refused with a reason; nothing is thrown.
 * The check costs two parses of the document the edits are in, not of the whole file: the old one
 * once per EditChecker, the edited one per check (so many edits to one document are best checked
 * together). Spans in intents are document-relative like the analysis's; edits are absolute.
 */
import type { AnalyzedDocument } from '../analysis';
import { checkDockerfileEdits } from '../dockerfile/checkEdits';
import type { Field } from '../manifest/imageFields';
import { splitDocuments } from '../manifest/documents';
import { fastParse } from '../manifest/fastParse';
import { slowParse } from '../manifest/slowParse';
import type { YamlDocument, YamlMap, YamlNode, YamlScalar } from '../manifest/yamlTree';
import { isOciDigest } from '../reference/digest';
import { quote } from '../reference/quote';
import type { Span } from '../span';
import { applyEdits } from './textEdit';
import type { TextEdit } from './textEdit';

/** Quotes a value in a refusal: long enough for a whole image with a sha512 digest, so the difference shows. */
export function quoteValue(value: string): string {
  return quote(value, 200);
}

/** Why a value re-read from the edited document is not the one meant, as a clause for people; null when it is. */
export type ValueCheck = (value: string) => string | null;

export type EditIntent =
  | { readonly kind: 'replace'; readonly scalar: YamlScalar; readonly value: string; readonly expect?: ValueCheck }
  | { readonly kind: 'insert'; readonly after: Field; readonly key: string; readonly value: string; readonly expect?: ValueCheck }
  | { readonly kind: 'rename'; readonly field: Field; readonly key: string; readonly value: string; readonly expect?: ValueCheck }
  | { readonly kind: 'remove'; readonly field: Field };

/** Checks a `digest:` value read back from the file (kustomize, Helm values): exactly `digest`, a valid OCI digest. */
export function readsAsDigest(digest: string): ValueCheck {
  return (value) => {
    if (value !== digest) return `the digest would read ${quoteValue(value)}, not ${quoteValue(digest)}`;
    return isOciDigest(value) ? null : `${quoteValue(value)} is not a valid OCI digest`;
  };
}

/** An edit with what it is meant to do; only EditChecker turns it into a TextEdit to apply. */
export interface PlannedEdit {
  readonly edit: TextEdit;
  readonly intent: EditIntent;
}

export interface EditRefusal {
  /** The text the refused edit would have replaced (absolute). */
  readonly start: number;
  readonly end: number;
  /** Why, as a clause for people ("the image would read …"). */
  readonly reason: string;
}

export type EditResult = { readonly ok: true; readonly edits: readonly TextEdit[] } | { readonly ok: false; readonly refusal: EditRefusal };

/** The planned edit with `expect` added to its intent (not to `remove`, which leaves no value). */
export function expecting(planned: PlannedEdit, expect: ValueCheck): PlannedEdit {
  return planned.intent.kind === 'remove' ? planned : { edit: planned.edit, intent: { ...planned.intent, expect } };
}

/**
 * Checks edits to one document of `text`; the old document is parsed once, on the first check.
 * A Dockerfile's document (an AnalyzedDocument read by its parser) is checked by its own rule instead.
 */
export class EditChecker {
  private readonly source: string;
  private readonly dockerfile: boolean;
  private oldFast: YamlDocument | null | undefined;
  private oldSlow: YamlDocument | undefined;

  constructor(
    private readonly text: string,
    private readonly doc: Span | AnalyzedDocument,
  ) {
    this.source = text.slice(doc.start, doc.end);
    this.dockerfile = 'analysis' in doc && doc.analysis.parser === 'dockerfile';
  }

  /** The edits of `planned`, if together they do exactly what they mean to; else the first refusal. */
  check(planned: readonly PlannedEdit[]): EditResult {
    if (this.dockerfile) return checkDockerfileEdits(this.text, planned);
    const edits = planned.map((p) => p.edit);
    const refuse = (reason: string, at: TextEdit = edits[0]): EditResult => ({ ok: false, refusal: { start: at.start, end: at.end, reason } });
    if (planned.length === 0) return { ok: true, edits };
    const outside = edits.find((e) => e.start < this.doc.start || e.end > this.doc.end || e.start > e.end);
    if (outside) return refuse('it would reach outside the YAML document of the field', outside);
    const relative = planned.map((p) => ({ ...p.edit, start: p.edit.start - this.doc.start, end: p.edit.end - this.doc.start, planned: p }));
    relative.sort((a, b) => a.start - b.start);
    for (let i = 1; i < relative.length; i++) {
      if (relative[i - 1].end > relative[i].start) return refuse('two of its edits overlap', relative[i].planned.edit);
    }
    const edited = applyEdits(this.source, relative);
    if (splitDocuments(edited).length !== splitDocuments(this.source).length) return refuse('it would split the YAML document in two');
    const fastAfter = fastParse(edited, 0, edited.length);
    const fastBefore = fastAfter ? this.fastBefore() : null;
    const [before, after] = fastAfter && fastBefore ? [fastBefore, fastAfter] : [this.slowBefore(), slowParse(edited, 0, edited.length)];
    if (after.problems.length !== before.problems.length) return refuse('the edited YAML document would not parse as before');
    const reason = new TreeComparison(relative).compare(before.root, after.root);
    return reason === null ? { ok: true, edits } : refuse(reason.why, reason.edit?.planned.edit);
  }

  private fastBefore(): YamlDocument | null {
    if (this.oldFast === undefined) this.oldFast = fastParse(this.source, 0, this.source.length);
    return this.oldFast;
  }

  private slowBefore(): YamlDocument {
    this.oldSlow ??= slowParse(this.source, 0, this.source.length);
    return this.oldSlow;
  }
}

/** Checks one planned edit to the document `doc` of `text`. */
export function checkEdit(text: string, doc: Span, planned: PlannedEdit): EditResult {
  return new EditChecker(text, doc).check([planned]);
}

interface RelativeEdit extends TextEdit {
  readonly planned: PlannedEdit;
}

interface Mismatch {
  readonly why: string;
  /** The edit it is about, when known. */
  readonly edit?: RelativeEdit;
}

/**
 * Walks the old and the new tree side by side. Aliases make a tree a graph, so each old node is
 * compared once and must meet the same new node on every path; an explicit stack keeps deep
 * nesting off the call stack.
 */
class TreeComparison {
  /** Where each edit's new text starts in the edited document. */
  private readonly newStarts: number[] = [];
  /** How much the edits before each one (and, at the end, all of them) lengthen the text. */
  private readonly shifts: number[] = [0];
  private readonly indexOf = new Map<RelativeEdit, number>();
  private readonly scalarIntents = new Map<number, RelativeEdit>();
  private readonly pairIntents = new Map<number, RelativeEdit>();
  private readonly unmet = new Set<RelativeEdit>();
  private readonly seen = new Map<YamlNode, YamlNode>();
  private readonly stack: Array<[YamlNode | null, YamlNode | null]> = [];

  /** `edits` sorted by start, relative to the document. */
  constructor(private readonly edits: readonly RelativeEdit[]) {
    edits.forEach((edit, i) => {
      this.newStarts.push(edit.start + this.shifts[i]);
      this.shifts.push(this.shifts[i] + edit.newText.length - (edit.end - edit.start));
      this.indexOf.set(edit, i);
      const intent = edit.planned.intent;
      if (intent.kind === 'replace') this.scalarIntents.set(intent.scalar.start, edit);
      else this.pairIntents.set((intent.kind === 'insert' ? intent.after : intent.field).key.start, edit);
      this.unmet.add(edit);
    });
  }

  compare(before: YamlNode | null, after: YamlNode | null): Mismatch | null {
    this.stack.push([before, after]);
    while (this.stack.length > 0) {
      const [old, now] = this.stack.pop()!;
      const mismatch = this.node(old, now);
      if (mismatch) return mismatch;
    }
    const missed = this.unmet.values().next().value;
    return missed ? { why: 'the field it edits was not found when the document was read again', edit: missed } : null;
  }

  private node(old: YamlNode | null, now: YamlNode | null): Mismatch | null {
    if (old === null || now === null) return old === now ? null : { why: 'a value next to the field would appear or disappear' };
    const met = this.seen.get(old);
    if (met !== undefined) return met === now ? null : { why: 'it would change what an alias refers to' };
    this.seen.set(old, now);
    if (old.type !== now.type || (old.type !== 'scalar' && old.flow !== (now as YamlMap).flow)) {
      return { why: 'it would change the structure of the document around the field' };
    }
    if (old.type === 'scalar') return this.scalar(old, now as YamlScalar);
    if (old.type === 'seq') {
      const items = (now as typeof old).items;
      if (items.length !== old.items.length) return { why: 'it would add or remove list items' };
      old.items.forEach((item, i) => this.stack.push([item, items[i]]));
      return null;
    }
    return this.map(old, now as YamlMap);
  }

  private map(old: YamlMap, now: YamlMap): Mismatch | null {
    let j = 0;
    for (const pair of old.pairs) {
      const edit = this.pairIntents.get(pair.key.start);
      const intent = edit?.planned.intent;
      if (edit && intent?.kind === 'remove') {
        this.unmet.delete(edit);
        continue;
      }
      const next = now.pairs[j++];
      if (!next) return { why: 'it would remove an entry next to the field' };
      if (edit && intent?.kind === 'rename') {
        const mismatch = this.newEntry(old, next.key, next.value, edit, intent.key, intent.value, intent.expect, pair.key.value);
        if (mismatch) return mismatch;
      } else {
        this.stack.push([pair.key, next.key], [pair.value, next.value]);
      }
      if (edit && intent?.kind === 'insert') {
        const inserted = now.pairs[j++];
        if (!inserted) return { why: `it would not add the entry "${intent.key}"`, edit };
        const mismatch = this.newEntry(old, inserted.key, inserted.value, edit, intent.key, intent.value, intent.expect, null);
        if (mismatch) return mismatch;
      }
    }
    return j === now.pairs.length ? null : { why: 'it would add an entry next to the field' };
  }

  /** An entry that `edit` wrote (`insert` or `rename`): exactly `key: value`, plain, from the edit's own text. */
  private newEntry(
    map: YamlMap,
    key: YamlScalar,
    value: YamlNode | null,
    edit: RelativeEdit,
    wantedKey: string,
    wantedValue: string,
    expect: ValueCheck | undefined,
    replacedKey: string | null,
  ): Mismatch | null {
    this.unmet.delete(edit);
    const start = this.newStarts[this.indexOf.get(edit)!];
    const end = start + edit.newText.length;
    const inside = (node: YamlNode): boolean => node.start >= start && node.end <= end;
    if (map.pairs.some((p) => p.key.value === wantedKey && p.key.value !== replacedKey)) return { why: `the mapping has a "${wantedKey}" entry already`, edit };
    if (key.value !== wantedKey || key.style !== 'plain' || !inside(key)) return { why: `the new entry would not be "${wantedKey}"`, edit };
    if (value?.type !== 'scalar' || !inside(value)) return { why: `the "${wantedKey}" entry would not hold one value`, edit };
    return this.value(value, wantedValue, 'plain', expect, edit);
  }

  private scalar(old: YamlScalar, now: YamlScalar): Mismatch | null {
    const edit = this.scalarIntents.get(old.start);
    const intent = edit?.planned.intent;
    if (edit && intent?.kind === 'replace' && old.end === intent.scalar.end && edit.start === old.start && edit.end === old.end) {
      this.unmet.delete(edit);
      const start = this.newStarts[this.indexOf.get(edit)!];
      if (now.start !== start || now.end !== start + edit.newText.length) return { why: 'the new value would not be exactly the text written', edit };
      return this.value(now, intent.value, old.style === 'block' ? 'plain' : old.style, intent.expect, edit);
    }
    const touched = this.edits[this.firstEndingAfter(old.start)];
    if (touched && touched.start < old.end) return { why: `it would change ${quote(old.value)} next to the field`, edit: touched };
    if (now.value !== old.value || now.style !== old.style || now.start !== this.shifted(old.start, true) || now.end !== this.shifted(old.end, false)) {
      return { why: `${quote(old.value)} next to the field would read ${quote(now.value)}` };
    }
    return null;
  }

  private value(now: YamlScalar, wanted: string, style: YamlScalar['style'], expect: ValueCheck | undefined, edit: RelativeEdit): Mismatch | null {
    if (now.value !== wanted) return { why: `the value would read ${quoteValue(now.value)} instead of ${quoteValue(wanted)}`, edit };
    if (now.style !== style) return { why: `the value would be written ${now.style}, not ${style}`, edit };
    const unexpected = expect?.(now.value) ?? null;
    return unexpected === null ? null : { why: unexpected, edit };
  }

  /**
   * Where an old offset is in the edited document: after every edit that ends at or before it. An
   * insertion exactly at the offset counts for a node's start (its text goes before the node) but
   * not for its end.
   */
  private shifted(offset: number, isStart: boolean): number {
    let count = this.firstEndingAfter(offset);
    // Insertions at the offset sort last among the edits that end there.
    while (!isStart && count > 0 && this.edits[count - 1].start === offset && this.edits[count - 1].end === offset) count--;
    return offset + this.shifts[count];
  }

  /** The index of the first edit that ends after `offset` (edits do not overlap, so their ends ascend). */
  private firstEndingAfter(offset: number): number {
    let low = 0;
    let high = this.edits.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.edits[mid].end > offset) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
