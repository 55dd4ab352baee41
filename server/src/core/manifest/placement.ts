/**
 * Reads where a pod spec lets the scheduler put its pod, as far as platforms go: `nodeSelector` on the
 * os and arch node labels, and the required node affinity's `nodeSelectorTerms` (ORed) whose
 * `matchExpressions` (ANDed) name them. Other labels and operators narrow nothing here: a node with
 * any other label may exist. `DoesNotExist` on an os or arch label matches no node (every node has
 * them). Counts are bounded so a hostile file cannot make the record large.
 */
import { PLATFORM_LABELS } from '../platforms';
import type { NodePlacement, PlatformRequirement } from '../platforms';
import { detach } from './detach';
import { getMap, getScalar, getSeq, isNullScalar } from './yamlTree';
import type { YamlMap, YamlNode } from './yamlTree';

const MAX_TERMS = 32;
const MAX_EXPRESSIONS = 32;
const MAX_VALUES = 32;

function plain(node: YamlNode | null | undefined): string | null {
  return node?.type === 'scalar' && node.style !== 'block' && !isNullScalar(node) ? detach(node.value) : null;
}

function expression(node: YamlNode | null): PlatformRequirement | 'none' | null {
  if (node?.type !== 'map') return null;
  const label = PLATFORM_LABELS[plain(getScalar(node, 'key')) ?? ''];
  const operator = plain(getScalar(node, 'operator'));
  if (label === undefined) return null;
  if (operator === 'DoesNotExist') return 'none';
  if (operator !== 'In' && operator !== 'NotIn') return null;
  const values = (getSeq(node, 'values')?.items ?? []).slice(0, MAX_VALUES).flatMap((item) => {
    const value = plain(item);
    return value === null ? [] : [value];
  });
  return { label, operator, values };
}

/** A term's requirements; a term that can match no node becomes `In []`. */
function term(node: YamlNode | null): PlatformRequirement[] {
  if (node?.type !== 'map') return [];
  const requirements: PlatformRequirement[] = [];
  for (const item of (getSeq(node, 'matchExpressions')?.items ?? []).slice(0, MAX_EXPRESSIONS)) {
    const read = expression(item);
    if (read === 'none') return [{ label: 'os', operator: 'In', values: [] }];
    if (read !== null) requirements.push(read);
  }
  return requirements;
}

/** The placement a pod spec mapping asks for; null when it says nothing about os or arch. */
export function readPlacement(spec: YamlMap): NodePlacement | null {
  const selector: PlatformRequirement[] = [];
  for (const pair of getMap(spec, 'nodeSelector')?.pairs ?? []) {
    const label = PLATFORM_LABELS[plain(pair.key) ?? ''];
    const value = plain(pair.value);
    if (label !== undefined && value !== null) selector.push({ label, operator: 'In', values: [value] });
  }
  const required = getMap(spec, 'affinity');
  const nodeAffinity = required && getMap(required, 'nodeAffinity');
  const scheduling = nodeAffinity && getMap(nodeAffinity, 'requiredDuringSchedulingIgnoredDuringExecution');
  const written = scheduling && getSeq(scheduling, 'nodeSelectorTerms')?.items.slice(0, MAX_TERMS);
  const terms = written && written.length > 0 ? written.map(term) : null;
  if (selector.length === 0 && (terms === null || terms.some((t) => t.length === 0))) return null;
  return { selector, terms: terms !== null && terms.some((t) => t.length === 0) ? null : terms };
}
