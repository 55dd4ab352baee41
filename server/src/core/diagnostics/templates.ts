/**
 * Placeholders that tools substitute before Kubernetes sees the text: envsubst, Compose and Dockerfile
 * `${VAR}` and `$VAR` (with Compose's and BuildKit's `${VAR:-default}`), Kubernetes-style `$(VAR)`, and
 * Go templates `{{ }}` (Helm, kbld, ytt variants). No image reference holds a `$` or a `{`.
 * Such values are not references yet, so they get `templated-image` instead of `invalid-reference`.
 */
import { lineEndOf } from '../lines';
import type { Span } from '../span';

const PLACEHOLDER = /\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_]|\{\{.*?\}\}/;

export function isTemplated(value: string): boolean {
  return PLACEHOLDER.test(value);
}

/**
 * The whole value as written when YAML read it as a flow collection (`{` or `[`): to the end of the
 * line its node ends on, less trailing blanks and a comment after the last `}}`. An unquoted Go
 * template (`image: {{ .Values.image }}:{{ .Values.tag }}`) reads as a flow mapping and then a
 * syntax error, so the node covers only its first `{{ }}`; block collections keep their own span.
 */
export function writtenValue(source: string, node: Span): Span {
  const first = source.charAt(node.start);
  if (first !== '{' && first !== '[') return node;
  // An unterminated collection's node runs on over the line break.
  let last = node.end;
  while (last > node.start + 1 && /\s/.test(source[last - 1])) last--;
  let end = lineEndOf(source, last - 1);
  const from = Math.max(source.lastIndexOf('}}', end - 1) + 2, node.start);
  const comment = source.slice(from, end).search(/[ \t]#/);
  if (comment >= 0) end = from + comment;
  while (end > last && (source[end - 1] === ' ' || source[end - 1] === '\t')) end--;
  return { start: node.start, end: Math.max(end, last) };
}
