/**
 * Everything one document reports from its own text: the image findings and, for a manifest with a
 * YAML syntax error, one `yaml-syntax` finding. A syntax error inside an unquoted Go template that
 * an image holds (`image: {{ .Values.image }}:{{ .Values.tag }}`) is what `templated-image` already
 * says, so `yaml-syntax` reports the first error outside such a value.
 */
import type { ImageFields } from '../manifest/imageFields';
import type { YamlProblem } from '../manifest/yamlTree';
import type { Span } from '../span';
import type { Finding } from './finding';
import { imageFindings } from './imageFindings';

export function documentFindings(fields: ImageFields, source: string, problems: readonly YamlProblem[]): Finding[] {
  const brokenFrom = problems.reduce((earliest, p) => Math.min(earliest, p.start), Infinity);
  const findings = imageFindings(fields, source, brokenFrom);
  const templates = findings.filter((f) => f.code === 'templated-image');
  const first = problems.find((p) => !templates.some((t) => p.start >= t.start && p.start < t.end));
  if (first) {
    const reason = firstSentence(first.message);
    findings.push({
      code: 'yaml-syntax',
      message: `YAML syntax error (${reason}), so image fields after it in this document may be missed.`,
      ...clampToDocument(first.start, Math.max(first.end, first.start + 1), source),
    });
  }
  return findings;
}

/** The parser's first line up to its first sentence end, without the closing punctuation. */
function firstSentence(message: string): string {
  const line = message.split('\n')[0];
  const end = line.search(/[.:]\s/);
  return (end < 0 ? line : line.slice(0, end)).replace(/[.:]?\s*$/, '');
}

/**
 * Keeps a span inside the document. The YAML parser reports an unterminated collection or quote
 * at the very end of the document, and a widened empty span there would lie past the document
 * (reaching into the next one's `---`); it moves back onto the last non-blank character.
 */
function clampToDocument(start: number, end: number, source: string): Span {
  const length = source.length;
  if (end <= length) return { start, end };
  if (start < length) return { start, end: length };
  let last = length;
  while (last > 0 && /\s/.test(source[last - 1])) last--;
  const clamped = Math.max(last - 1, 0);
  return { start: clamped, end: Math.min(clamped + 1, length) };
}
