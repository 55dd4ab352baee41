/**
 * Placeholders that tools substitute before Kubernetes sees the text: envsubst `${VAR}`,
 * Kubernetes-style `$(VAR)`, and Go templates `{{ }}` (Helm, kbld, ytt variants).
 * Such values are not references yet, so they get `templated-image` instead of `invalid-reference`.
 */
const PLACEHOLDER = /\$\{[^}]*\}|\$\([^)]*\)|\{\{.*?\}\}/;

export function isTemplated(value: string): boolean {
  return PLACEHOLDER.test(value);
}
