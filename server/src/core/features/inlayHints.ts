/**
 * Where an image field's mapping sets no pull policy, an inlay hint after the image shows the policy
 * that will be filled in, with the rule as tooltip: the value people most often get wrong. It names the
 * field's own key (`imagePullPolicy = Always`, an image volume's `pullPolicy = Always`), with ` = `: after
 * an image, even inside a flow mapping (`{name: web, image: nginx}`), it must not read as one more YAML
 * entry. With `inlayHintsMaxLineLength`, only lines that still fit with the hint get one.
 */
import type { Analysis } from '../analysis';
import { policyKeyOf } from '../diagnostics/imageFindings';
import { defaultPullPolicy } from '../policy/pullPolicy';
import { isTemplated } from '../diagnostics/templates';
import type { ValuesImage } from '../helm/types';
import type { Settings } from '../settings';
import type { InlayHint } from './types';

function hintLabel(key: string, policy: string): string {
  return `${key} = ${policy}`;
}

/** Whether the line holding offset, with the label drawn there after a space, fits within maxLength columns (0: any length). */
function fits(text: string, offset: number, label: string, maxLength: number): boolean {
  if (maxLength === 0) return true;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  const lineEnd = newline < 0 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
  return lineEnd - lineStart + 1 + label.length <= maxLength;
}

/**
 * A values image without a pull policy: the container the chart renders gets Kubernetes' default
 * for the rendered reference, shown after the last part written here (the tag, else the repository).
 */
function valuesPolicyHint(docStart: number, image: ValuesImage): InlayHint | null {
  const { rendered } = image;
  if (!rendered.ref || image.pullPolicy?.value?.value) return null;
  const last = [...rendered.parts].reverse().find((part) => part.scalar !== null && part.role !== 'digest');
  if (!last?.scalar) return null;
  const decision = defaultPullPolicy(rendered.text);
  return { offset: docStart + last.scalar.end, label: hintLabel('imagePullPolicy', decision.policy), tooltip: decision.reason };
}

export function computeInlayHints(analysis: Analysis, start: number, end: number, settings: Settings): InlayHint[] {
  if (!settings.pullPolicyInlayHints) return [];
  const hints: InlayHint[] = [];
  for (const doc of analysis.documents) {
    if (doc.end < start || doc.start > end) continue;
    for (const container of doc.analysis.fields.containers) {
      const image = container.image?.value;
      // An empty policy ("") is defaulted like an absent one, so it gets the hint too.
      const written = container.pullPolicy?.value?.value;
      const rule = container.location.policy;
      if (!image || rule === null || (written !== undefined && written !== '') || isTemplated(image.value)) continue;
      const offset = doc.start + image.end;
      if (offset < start || offset > end) continue;
      const key = policyKeyOf(container.location);
      const decision = defaultPullPolicy(image.value, rule, key);
      hints.push({ offset, label: hintLabel(key, decision.policy), tooltip: decision.reason });
    }
    for (const image of doc.analysis.fields.values?.images ?? []) {
      const hint = valuesPolicyHint(doc.start, image);
      if (hint && hint.offset >= start && hint.offset <= end) hints.push(hint);
    }
  }
  return hints.filter((hint) => fits(analysis.text, hint.offset, hint.label, settings.inlayHintsMaxLineLength)).sort((a, b) => a.offset - b.offset);
}
