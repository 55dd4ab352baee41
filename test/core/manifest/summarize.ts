/**
 * Shared by imageFields.test.ts and trickyYaml.test.ts: turns an Analysis into compact, exact
 * strings, and reads the span markers that test inputs use.
 *
 * An input marks every image value it expects to be found with ⟦ and ⟧ around the value's source
 * text (quotes included). `unmark` strips the markers and returns the marked spans in the clean text,
 * so tests assert exact offsets without anyone counting characters.
 */
import assert from 'node:assert/strict';
import type { Analysis } from '../../../server/src/core/analysis';
import type { Field, ImageField } from '../../../server/src/core/manifest/imageFields';
import type { Span } from '../../../server/src/core/span';

export const OPEN = '⟦';
export const CLOSE = '⟧';

/** Strips ⟦ ⟧ markers; returns the clean text and each marked span (in the clean text), in order. */
export function unmark(marked: string): { text: string; spans: Span[] } {
  let text = '';
  const spans: Span[] = [];
  let open = -1;
  for (const ch of marked) {
    if (ch === OPEN) {
      assert.equal(open, -1, 'nested ⟦ in a test input');
      open = text.length;
    } else if (ch === CLOSE) {
      assert.notEqual(open, -1, 'unbalanced ⟧ in a test input');
      spans.push({ start: open, end: text.length });
      open = -1;
    } else {
      text += ch;
    }
  }
  assert.equal(open, -1, 'unbalanced ⟦ in a test input');
  return { text, spans };
}

export interface Summary {
  /**
   * `Kind/workload list[index] name=… image=<value> src=<source text> pull=<value>`, per container;
   * an image YAML does not read as a string shows as `image=<what it reads as>:<source text>`.
   */
  readonly containers: string[];
  /** `images[index] name=… newName=… newTag=… digest=…`, with `-` for an absent value. */
  readonly kustomize: string[];
  readonly definedSecrets: string[];
  /** `container name → secret names`, for containers whose pod spec has imagePullSecrets. */
  readonly pullSecrets: string[];
  /** `code src=<source text>` for every per-document and file-level finding. */
  readonly findings: string[];
  /** Absolute spans of every image value found (container images and kustomize values), by start. */
  readonly valueSpans: Span[];
}

function show(value: string | null | undefined): string {
  return value === null || value === undefined ? '-' : JSON.stringify(value);
}

export function summarize(analysis: Analysis): Summary {
  const { text } = analysis;
  const summary: Summary = { containers: [], kustomize: [], definedSecrets: [], pullSecrets: [], findings: [], valueSpans: [] };
  for (const doc of analysis.documents) {
    const base = doc.start;
    const src = (span: Span): string => JSON.stringify(text.slice(base + span.start, base + span.end));
    const value = (f: Field | null): string => {
      if (!f?.value) return '-';
      summary.valueSpans.push({ start: base + f.value.start, end: base + f.value.end });
      return f.value.value === text.slice(base + f.value.start, base + f.value.end) ? show(f.value.value) : `${show(f.value.value)} src=${src(f.value)}`;
    };
    const image = (f: ImageField | null): string => (f?.nonString ? `${f.nonString.reads}:${src(f.nonString)}` : value(f));
    const { fields } = doc.analysis;
    for (const c of fields.containers) {
      const pull = c.pullPolicy?.value ? show(c.pullPolicy.value.value) : c.pullPolicy ? 'empty' : '-';
      const who = c.workloadName === null ? c.workloadKind : `${c.workloadKind}/${c.workloadName}`;
      summary.containers.push(`${who} ${c.path} name=${show(c.name)} image=${image(c.image)} pull=${pull}`);
      if (c.pullSecrets.length > 0) summary.pullSecrets.push(`${c.name ?? '?'} → ${c.pullSecrets.map((s) => s.value).join(',')}`);
    }
    for (const k of fields.kustomizeImages) {
      summary.kustomize.push(`images[${k.index}] name=${value(k.name)} newName=${value(k.newName)} newTag=${value(k.newTag)} digest=${value(k.digest)}`);
    }
    summary.definedSecrets.push(...fields.definedSecrets);
    for (const f of doc.analysis.findings) summary.findings.push(`${f.code} ${src(f)}`);
  }
  for (const f of analysis.fileFindings) summary.findings.push(`${f.code} ${JSON.stringify(text.slice(f.start, f.end))}`);
  summary.valueSpans.sort((a, b) => a.start - b.start);
  return summary;
}
