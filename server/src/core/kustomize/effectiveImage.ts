/**
 * The image a build writes where a resource file has `written`: each transformer step, innermost
 * first, applies each of its entries in order, as many times as its filters reach the field
 * (imageTargets.ts), every entry seeing what the ones before it wrote. What set each part is kept,
 * so a finding about the result can point where the user changes it.
 */
import type { TransformStep } from './build';
import type { ImageTarget } from './imageTargets';
import { applyOverride, isImageMatched } from './imageTransformer';
import type { KustomizeImageEntry } from './kustomization';

/** An `images:` entry and the kustomization file it is in. */
export interface ImageSource {
  readonly file: string;
  readonly entry: KustomizeImageEntry;
}

export interface EffectiveImage {
  readonly value: string;
  /** The last entry that set the name (`newName`); null when the name is the one written. */
  readonly name: ImageSource | null;
  /** The last entry that set the tag or digest (`newTag`, `digest`, `tagSuffix`); null when they are the ones written. */
  readonly tag: ImageSource | null;
  /** The last entry that matched, whatever it set. */
  readonly last: ImageSource | null;
  /** Entries whose name is not evaluated here (imageTransformer.ts), which could have matched. */
  readonly unevaluated: readonly ImageSource[];
}

/** How many times a step's filters reach the field: the legacy one once, and once per spec of the step that leads there. */
function reach(target: ImageTarget | undefined, step: TransformStep): number {
  if (!target) return 0;
  let times = target.legacy ? 1 : 0;
  for (const spec of step.specs) if (target.specs.has(spec.key)) times++;
  return times;
}

export function effectiveImage(written: string, target: ImageTarget | undefined, steps: readonly TransformStep[]): EffectiveImage {
  let value = written;
  let name: ImageSource | null = null;
  let tag: ImageSource | null = null;
  let last: ImageSource | null = null;
  const unevaluated: ImageSource[] = [];
  for (const step of steps) {
    const times = reach(target, step);
    if (times === 0) continue;
    for (const { entry, override } of step.entries) {
      for (let i = 0; i < times; i++) {
        const matched = isImageMatched(value, override);
        if (matched === null) unevaluated.push({ file: step.file, entry });
        if (matched !== true) break;
        const source = { file: step.file, entry };
        value = applyOverride(value, override);
        last = source;
        if (override.newName !== '') name = source;
        if (override.newTag !== '' || override.digest !== '' || override.tagSuffix !== '') tag = source;
      }
    }
  }
  return { value, name, tag, last, unevaluated };
}
