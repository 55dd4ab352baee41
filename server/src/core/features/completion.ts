/**
 * Completion of imagePullPolicy values and of image names already used in the workspace.
 * The context comes from the text of the current line, not from the tree, because while a user
 * types the document is often not valid YAML yet; the document only has to be a manifest.
 */
import { documentAt } from '../analysis';
import type { Analysis } from '../analysis';
import { defaultPullPolicy, PULL_POLICIES } from '../policy/pullPolicy';
import type { PullPolicy } from '../policy/pullPolicy';
import { fileFacts } from '../workspace';
import type { WorkspaceFacts } from '../workspace';
import { containerAt } from './fieldAt';
import type { CompletionItem, CompletionList } from './types';

/**
 * `key:` (at the start of the line, after sequence dashes, or after `{`/`,`; optionally quoted),
 * then the value typed so far. A `-` counts only as a sequence indicator (followed by a space):
 * before, `sidecar-image:` or `my-newName:` matched too.
 */
const FIELD_BEFORE_CURSOR = /(?:^\s*(?:-\s+)*|[{,]\s*)(["']?)(imagePullPolicy|image|newName)\1\s*:[ \t]+(["']?)([^"'#\s,}]*)$/;

const POLICY_DOCS: Record<PullPolicy, string> = {
  Always: 'Ask the registry on every container start; pull when the digest changed.',
  IfNotPresent: 'Pull only when the node does not have the image yet.',
  Never: 'Never pull; the image must already be on the node.',
};

function policyItems(analysis: Analysis, offset: number): CompletionItem[] {
  const image = containerAt(analysis, offset)?.image?.value?.value;
  const fallback = image !== undefined ? defaultPullPolicy(image).policy : undefined;
  return PULL_POLICIES.map((policy, i) => ({
    label: policy,
    kind: 'policy',
    detail: policy === fallback ? `Kubernetes default for ${image}` : undefined,
    documentation: POLICY_DOCS[policy],
    sortText: String(i),
    preselect: policy === fallback,
  }));
}

/** `current` is the whole value being edited (also the text after the cursor), which is not offered. */
function imageItems(analysis: Analysis, workspace: WorkspaceFacts | null, current: string): CompletionItem[] {
  const counts = new Map(workspace?.images ?? []);
  for (const image of fileFacts(analysis).images) if (!counts.has(image)) counts.set(image, 1);
  return [...counts]
    .filter(([image]) => image !== current)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([image, count], i) => ({
      label: image,
      kind: 'image',
      detail: `used ${count} time${count === 1 ? '' : 's'} in the workspace`,
      sortText: String(i).padStart(6, '0'),
    }));
}

export function computeCompletions(analysis: Analysis, offset: number, workspace: WorkspaceFacts | null): CompletionList | null {
  const doc = documentAt(analysis, offset);
  if (!doc?.analysis.fields.isManifest) return null;
  const text = analysis.text;
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1) + 1, 0);
  const match = FIELD_BEFORE_CURSOR.exec(text.slice(lineStart, offset));
  if (!match) return null;
  const typed = match[4];
  const start = offset - typed.length;
  let end = offset;
  while (end < text.length && !/["'#\s,}]/.test(text[end])) end++;
  // The whole value under the cursor is excluded (not only the part before the cursor): it is
  // in this file's facts only because it is being typed.
  const items = match[2] === 'imagePullPolicy' ? policyItems(analysis, offset) : imageItems(analysis, workspace, text.slice(start, end));
  return { start, end, items };
}
