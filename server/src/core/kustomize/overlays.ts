/**
 * What each kustomization of a workspace makes of one image of a file it builds, for the hover: the
 * front end plans every build (build.ts) and names it; this finds the file in each plan and runs
 * the transformers over the image as written. A build kustomize would refuse is left out.
 */
import type { AnalyzedDocument, Analysis } from '../analysis';
import type { ContainerFields } from '../manifest/imageFields';
import { fastParse } from '../manifest/fastParse';
import { slowParse } from '../manifest/slowParse';
import type { BuildPlan, BuiltResource } from './build';
import { effectiveImage } from './effectiveImage';
import type { FieldSpec } from './fieldSpecs';
import { imageTargets } from './imageTargets';
import type { ImageTarget } from './imageTargets';

export interface OverlayBuild {
  /** How people know the kustomization: its folder, relative to the workspace folder. */
  readonly label: string;
  readonly plan: BuildPlan;
}

export interface OverlayImage {
  readonly label: string;
  /** The distinct images the build writes there (a file built twice, through two bases, can get two). */
  readonly images: readonly string[];
  /** Some entry's name is not evaluated here (imageTransformer.ts), so the build may write something else. */
  readonly uncertain: boolean;
}

/** The transformer's reach over the image values of the document `doc` of `analysis`, by absolute offset. */
export function documentTargets(
  analysis: Analysis,
  doc: Pick<AnalyzedDocument, 'start' | 'end'>,
  specs: readonly FieldSpec[],
): ReadonlyMap<number, ImageTarget> {
  const parsed = fastParse(analysis.text, doc.start, doc.end, analysis.locations.decodedKeys) ?? slowParse(analysis.text, doc.start, doc.end);
  return imageTargets(parsed.root, specs);
}

/**
 * The builds that change the image of `container` (in the document `doc` of `analysis`, the text of
 * the file `file` as the plans name it), each with what it writes there.
 */
export function overlayImages(
  analysis: Analysis,
  doc: AnalyzedDocument,
  container: ContainerFields,
  file: string,
  builds: readonly OverlayBuild[],
): OverlayImage[] {
  const written = container.image?.value;
  if (!written) return [];
  const occurrences = new Map<OverlayBuild, BuiltResource[]>();
  const specs = new Map<string, FieldSpec>();
  for (const build of builds) {
    if (build.plan.problem) continue;
    for (const resource of build.plan.resources) {
      if (resource.file !== file) continue;
      occurrences.set(build, [...(occurrences.get(build) ?? []), resource]);
      for (const step of resource.steps) for (const spec of step.specs) specs.set(spec.key, spec);
    }
  }
  if (occurrences.size === 0) return [];
  const target = documentTargets(analysis, doc, [...specs.values()]).get(doc.start + written.start);
  const found: OverlayImage[] = [];
  for (const [build, resources] of occurrences) {
    const images = new Set<string>();
    let uncertain = false;
    for (const { steps } of resources) {
      const image = effectiveImage(written.value, target, steps);
      images.add(image.value);
      uncertain ||= image.unevaluated.length > 0;
    }
    if (uncertain || [...images].some((image) => image !== written.value)) found.push({ label: build.label, images: [...images], uncertain });
  }
  return found;
}
