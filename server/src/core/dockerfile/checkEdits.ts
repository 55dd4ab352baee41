/**
 * The edit check of a Dockerfile (see edits/checkEdits.ts for YAML's): an edit may only replace one
 * image token the analysis read, written there character for character (no line continuation or
 * escape inside it), with a value of reference characters only (letters, digits, `.`, `_`, `-`, `/`,
 * `:`, `@`, `+`) in the token's own quotes. Such text can neither end the token nor start a
 * substitution, so every instruction around it reads as before: re-parsing would show nothing more.
 * The value's own check (`expect`) must pass too.
 */
import type { EditResult, PlannedEdit } from '../edits/checkEdits';
import type { YamlScalar } from '../manifest/yamlTree';

const REFERENCE_CHARACTERS = /^[A-Za-z0-9._\-/:@+]+$/;

function written(scalar: YamlScalar, value: string): string {
  if (scalar.style === 'double') return `"${value}"`;
  if (scalar.style === 'single') return `'${value}'`;
  return value;
}

/** Checks edits to the Dockerfile `text` (its one document starts at 0). */
export function checkDockerfileEdits(text: string, planned: readonly PlannedEdit[]): EditResult {
  const edits = planned.map((p) => p.edit);
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1].end > sorted[i].start) return { ok: false, refusal: { ...sorted[i], reason: 'two of its edits overlap' } };
  }
  for (const { edit, intent } of planned) {
    const refuse = (reason: string): EditResult => ({ ok: false, refusal: { start: edit.start, end: edit.end, reason } });
    if (intent.kind !== 'replace') return refuse('an edit to a Dockerfile may only replace an image');
    const { scalar, value } = intent;
    if (edit.start !== scalar.start || edit.end !== scalar.end) return refuse('it would reach outside the image it is about');
    if (text.slice(edit.start, edit.end) !== written(scalar, scalar.value)) {
      return refuse('the image is written across a line continuation or with escapes, so it cannot be replaced in place');
    }
    if (!REFERENCE_CHARACTERS.test(value)) return refuse('the new image would hold characters a Dockerfile reads as more than an image');
    if (edit.newText !== written(scalar, value)) return refuse('the new value would not be exactly the text written');
    const unexpected = intent.expect?.(value) ?? null;
    if (unexpected !== null) return refuse(unexpected);
  }
  return { ok: true, edits };
}
