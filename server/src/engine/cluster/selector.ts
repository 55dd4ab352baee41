/** Label selectors, as the API's `labelSelector` query parameter takes them. */
import { record } from '../../core/json';

/** A label selector as the API takes it, from a workload's spec.selector (matchLabels and matchExpressions). */
export function selectorString(selector: unknown): string {
  const { matchLabels, matchExpressions } = record(selector);
  const labels = Object.entries(record(matchLabels)).map(([key, value]) => `${key}=${String(value)}`);
  const expressions = (Array.isArray(matchExpressions) ? matchExpressions : []).map(record).map((e) => {
    const values = (Array.isArray(e.values) ? e.values : []).map(String).join(',');
    switch (e.operator) {
      case 'In':
        return `${String(e.key)} in (${values})`;
      case 'NotIn':
        return `${String(e.key)} notin (${values})`;
      case 'Exists':
        return String(e.key);
      default:
        return `!${String(e.key)}`;
    }
  });
  return [...labels, ...expressions].join(',');
}
