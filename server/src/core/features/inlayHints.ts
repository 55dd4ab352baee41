/**
 * Where a container sets no imagePullPolicy, an inlay hint after the image shows the policy
 * Kubernetes will fill in, with the rule as tooltip: the value people most often get wrong.
 */
import type { Analysis } from '../analysis';
import { defaultPullPolicy } from '../policy/pullPolicy';
import { isTemplated } from '../diagnostics/templates';
import type { Settings } from '../settings';
import type { InlayHint } from './types';

export function computeInlayHints(analysis: Analysis, start: number, end: number, settings: Settings): InlayHint[] {
  if (!settings.pullPolicyInlayHints) return [];
  const hints: InlayHint[] = [];
  for (const doc of analysis.documents) {
    if (doc.end < start || doc.start > end) continue;
    for (const container of doc.analysis.fields.containers) {
      const image = container.image?.value;
      // An empty imagePullPolicy ("") is defaulted like an absent one, so it gets the hint too.
      const written = container.pullPolicy?.value?.value;
      if (!image || (written !== undefined && written !== '') || isTemplated(image.value)) continue;
      const offset = doc.start + image.end;
      if (offset < start || offset > end) continue;
      const decision = defaultPullPolicy(image.value);
      hints.push({ offset, label: `imagePullPolicy: ${decision.policy}`, tooltip: decision.reason });
    }
  }
  return hints;
}
